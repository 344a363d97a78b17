// An experiment's recorded params and metrics as one side of a metrics/params comparison.
import type { StoredValues, TreeReader } from "../metrics/index.js";
import type { ExperimentRecord } from "./types.js";

export function storedValues(record: ExperimentRecord, label: string = record.name): StoredValues {
  return {
    label,
    metrics: { files: record.metrics, errors: {} },
    params: { files: record.params, errors: {} },
  };
}

/** The plot files an experiment kept, readable like a revision's tree. */
export function recordReader(record: ExperimentRecord, label: string = record.name): TreeReader {
  return { label, readText: async (path) => record.plots?.[path] };
}
