export { InputError, formatPath } from './errors.ts';
export * from './classification/index.ts';
