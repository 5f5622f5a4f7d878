import { createHmac, timingSafeEqual } from "crypto";

/**
 * The `signature_scheme` values jupyter_client accepts ("hmac-" + a hashlib name), mapped to
 * the OpenSSL digest names Node's createHmac knows.
 */
const DIGESTS: Record<string, string> = {
  "hmac-md5": "md5",
  "hmac-sha1": "sha1",
  "hmac-sha224": "sha224",
  "hmac-sha256": "sha256",
  "hmac-sha384": "sha384",
  "hmac-sha512": "sha512",
  "hmac-sha3_224": "sha3-224",
  "hmac-sha3_256": "sha3-256",
  "hmac-sha3_384": "sha3-384",
  "hmac-sha3_512": "sha3-512",
  "hmac-blake2b": "blake2b512",
  "hmac-blake2s": "blake2s256",
};

/** Every signature scheme this kernel verifies. */
export const SIGNATURE_SCHEMES: readonly string[] = Object.keys(DIGESTS);

/** Whether `scheme` is a signature scheme this kernel supports. */
export function isSignatureScheme(scheme: string): boolean {
  return Object.prototype.hasOwnProperty.call(DIGESTS, scheme);
}

/**
 * Signs and verifies Jupyter messages with an HMAC (SHA-256 by default) over the four JSON frames.
 * An empty key disables signing, as the messaging spec allows.
 */
export class Signer {
  private readonly key: Buffer;
  private readonly digest: string;

  constructor(key: string, scheme = "hmac-sha256") {
    if (!isSignatureScheme(scheme)) {
      throw new RangeError(`signature scheme: expected one of ${SIGNATURE_SCHEMES.join(", ")}, got ${JSON.stringify(scheme)}`);
    }
    this.key = Buffer.from(key, "utf8");
    this.digest = DIGESTS[scheme];
  }

  /** Whether messages are signed at all. */
  get enabled(): boolean {
    return this.key.length > 0;
  }

  /** Hex digest of header, parent header, metadata and content frames. */
  sign(frames: readonly Buffer[]): string {
    if (!this.enabled) return "";
    const h = createHmac(this.digest, this.key);
    for (const f of frames) h.update(f);
    return h.digest("hex");
  }

  /** Constant-time check of a received signature (a timing oracle would let an attacker forge it byte by byte). */
  verify(signature: Buffer, frames: readonly Buffer[]): boolean {
    if (!this.enabled) return true;
    const expected = Buffer.from(this.sign(frames), "ascii");
    // timingSafeEqual throws on length mismatch; compare against a same-length buffer instead
    // so a wrong-length signature costs the same as a wrong one.
    const given = signature.length === expected.length ? signature : Buffer.alloc(expected.length);
    return timingSafeEqual(given, expected) && signature.length === expected.length;
  }
}
