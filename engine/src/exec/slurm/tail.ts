// Follows a job's output file as the job writes it (on the shared file system): each read hands the
// new complete lines on; the last lines are kept for the failure message.
import { promises as fsp } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { lineSplitter } from "../spawn.js";

export interface LogTail {
  /** Reads what was appended since the last read (nothing when the file is not there yet). */
  read(): Promise<void>;
  /** Reads the rest and hands on a last line that has no newline. */
  finish(): Promise<void>;
  /** The last lines seen, oldest first. */
  last(): string[];
}

export function tailFile(path: string, onLine: (line: string) => void, keep = 10): LogTail {
  let offset = 0;
  // A character split between two reads is completed by the next one.
  const decoder = new StringDecoder("utf8");
  const recent: string[] = [];
  const hand = (line: string): void => {
    recent.push(line);
    if (recent.length > keep) recent.shift();
    onLine(line);
  };
  const lines = lineSplitter(hand);
  const read = async (): Promise<void> => {
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(path, "r");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw e;
    }
    try {
      const buf = Buffer.alloc(64 * 1024);
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        lines.push(decoder.write(buf.subarray(0, bytesRead)));
      }
    } finally {
      await fh.close();
    }
  };
  return {
    read,
    async finish() {
      await read();
      lines.end();
    },
    last: () => [...recent],
  };
}
