// A short stable digest of a text for naming things (not content addressing: see hashing/).
import { createHash } from "node:crypto";

export const digestHex = (text: string): string => createHash("sha1").update(text).digest("hex").slice(0, 16);
