/**
 * The research-use notice, defined once: every output of her2scope carries it (CLI text and JSON, reports, plots,
 * the API, the web app). Import it from `@her2scope/core` (or `@her2scope/core/notice`, which loads nothing else).
 */
export const RESEARCH_USE_NOTICE = 'For research use; not a medical device.';
