export function smqpCopies(root: string): string[];
export function patchSmqp(
  root: string,
  check?: boolean,
): { file: string; state: 'patched' | 'patched now' | 'unpatched' | 'unknown' }[];
