/** The object store of the simulated cluster. */
export {
  ObjectStore, formatTime, type StoreOptions, type ListOptions, type ListResult, type WriteOptions, type DeleteOptions,
  type DeleteResult, type WatchOptions, type WatchSink, type Watch, type PropagationPolicy, type SelectOptions,
  type WriteSubresource,
} from './object-store.js';
export { StatusError, type Status } from './status-error.js';
export { parseLabelSelector, matchesLabels, fromSelectorObject, selectorString, type LabelSelector } from './label-selector.js';
