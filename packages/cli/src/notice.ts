/** Printed with every result the tool produces (the one definition is in core). */
export { RESEARCH_USE_NOTICE as RESEARCH_USE } from '@her2scope/core/notice';
