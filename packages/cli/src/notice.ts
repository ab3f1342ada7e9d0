/** Printed with every result the tool produces. */
export const RESEARCH_USE = 'For research use; not a medical device.';
