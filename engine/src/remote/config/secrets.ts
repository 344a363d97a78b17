// Which remote settings are credentials: they are written only to `.pipe/config.local` (git-ignored)
// and never printed. The list is DVC's credential keys (dvc/config_schema.py) plus pipe's own.

/** Keys whose values are secrets, for every kind of remote DVC or pipe knows. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  // ssh, http, webdav, webhdfs
  "password",
  "passphrase",
  "key_passphrase",
  "token",
  // s3
  "access_key_id",
  "secret_access_key",
  "session_token",
  "sse_customer_key",
  // azure
  "connection_string",
  "sas_token",
  "account_key",
  "client_secret",
  // aliyun oss
  "oss_key_id",
  "oss_key_secret",
  // google drive, hdfs
  "gdrive_client_secret",
  "kerb_ticket",
]);

export const isSecretKey = (key: string): boolean => SECRET_KEYS.has(key.toLowerCase());

/** What is shown instead of a secret. */
export const REDACTED = "***";

/** The options with every secret value replaced by `***`. */
export function redactOptions(options: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(options)) out[k] = isSecretKey(k) ? REDACTED : v;
  return out;
}
