/**
 * Theming of the hosted card form by the embedding page: an `appearance` object, validated against a fixed schema
 * and applied as CSS custom properties (--vault-*) that the form's own stylesheet reads. Never raw CSS: every
 * value is a colour in hex, a length in px inside a range, or a font family from an allow-list, so nothing the
 * page sends can add a rule, a URL, an import or a selector, and the strict CSP (style-src 'self', no inline
 * style) holds — custom properties are set through the CSSOM, which the CSP allows. Pure, no DOM API.
 */

/** Font families the form may use: generic families and common installed faces (CSP allows no web font). */
export const FONT_FAMILIES: Readonly<Record<string, string>> = {
  system: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  'sans-serif': 'sans-serif',
  serif: 'serif',
  monospace: 'ui-monospace, monospace',
  arial: 'Arial, Helvetica, sans-serif',
  helvetica: 'Helvetica, Arial, sans-serif',
  georgia: 'Georgia, serif',
  'times-new-roman': '"Times New Roman", Times, serif',
  verdana: 'Verdana, sans-serif',
  'segoe-ui': '"Segoe UI", system-ui, sans-serif',
  roboto: 'Roboto, system-ui, sans-serif',
};

type Rule = { readonly kind: 'colour' } | { readonly kind: 'px'; readonly min: number; readonly max: number } | { readonly kind: 'font' };

/** Each accepted key, its rule and the custom property it sets. */
const SCHEMA: Readonly<Record<string, { readonly rule: Rule; readonly property: string }>> = {
  colorPrimary: { rule: { kind: 'colour' }, property: '--vault-color-primary' },
  colorBackground: { rule: { kind: 'colour' }, property: '--vault-color-background' },
  colorText: { rule: { kind: 'colour' }, property: '--vault-color-text' },
  colorDanger: { rule: { kind: 'colour' }, property: '--vault-color-danger' },
  colorBorder: { rule: { kind: 'colour' }, property: '--vault-color-border' },
  fontFamily: { rule: { kind: 'font' }, property: '--vault-font-family' },
  fontSizeBase: { rule: { kind: 'px', min: 12, max: 24 }, property: '--vault-font-size' },
  borderRadius: { rule: { kind: 'px', min: 0, max: 24 }, property: '--vault-radius' },
  spacingUnit: { rule: { kind: 'px', min: 2, max: 16 }, property: '--vault-spacing' },
};
export const APPEARANCE_KEYS = Object.keys(SCHEMA);

const HEX_COLOUR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

export type AppearanceResult =
  | { readonly ok: true; readonly properties: ReadonlyArray<readonly [string, string]> }
  | { readonly ok: false; readonly field: string };

/**
 * The custom properties for an `appearance` object, or the first field that breaks the schema (an unknown key
 * included). All or nothing: a refused appearance changes nothing.
 */
export function parseAppearance(appearance: unknown): AppearanceResult {
  if (typeof appearance !== 'object' || appearance === null || Array.isArray(appearance)) return { ok: false, field: '(appearance)' };
  const properties: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(appearance)) {
    const entry = Object.hasOwn(SCHEMA, key) ? SCHEMA[key] : undefined;
    if (!entry) return { ok: false, field: key };
    const css = cssValue(entry.rule, value);
    if (css === null) return { ok: false, field: key };
    properties.push([entry.property, css]);
  }
  return { ok: true, properties };
}

function cssValue(rule: Rule, value: unknown): string | null {
  switch (rule.kind) {
    case 'colour':
      return typeof value === 'string' && HEX_COLOUR.test(value) ? value : null;
    case 'px':
      return typeof value === 'number' && Number.isInteger(value) && value >= rule.min && value <= rule.max ? `${value}px` : null;
    case 'font':
      return typeof value === 'string' && Object.hasOwn(FONT_FAMILIES, value) ? FONT_FAMILIES[value]! : null;
  }
}
