/** The bytes of a base64 string (the generated kernel modules embed their binary so). */
export function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  // atob exists in browsers, workers and Node >= 16.
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}
