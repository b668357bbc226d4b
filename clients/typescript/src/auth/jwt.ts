/**
 * Reads a numeric claim from a JWT's payload without validating the token: the server does that;
 * the SDK only wants to know when to renew.
 */
export function jwtClaim(jwt: string, name: 'exp' | 'iat'): number | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), c => c.charCodeAt(0))));
    return typeof json[name] === 'number' ? json[name] : undefined;
  } catch {
    return undefined;
  }
}
