/** Why an import stops before its first row, or cannot read on (a one-line reason, no file content). */
export class ImportRefused extends Error {
  override readonly name = 'ImportRefused';
}
