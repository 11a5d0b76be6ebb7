/**
 * Brand icons for the hosted form, drawn here and served from the vault's own origin (`img-src 'self'`): no
 * third-party asset, no network logo file to license or keep current. Each is a small card-shaped badge in the
 * network's colour with its short name; `unknown` is a plain card outline. Decorative: the brand's name is
 * announced as text next to it.
 */
import { BRANDS, type CardBrand } from '../cards/card-brand.ts';

/** Background colour and the label drawn on it. */
const BADGES: Record<CardBrand, { readonly fill: string; readonly label: string; readonly text?: string }> = {
  visa: { fill: '#1a1f71', label: 'VISA' },
  mastercard: { fill: '#222222', label: 'MC', text: '#f79e1b' },
  amex: { fill: '#2e77bc', label: 'AMEX' },
  discover: { fill: '#ff6000', label: 'DISC' },
  jcb: { fill: '#0b4ea2', label: 'JCB' },
  diners: { fill: '#004a97', label: 'DC' },
  unionpay: { fill: '#d10429', label: 'UP' },
  maestro: { fill: '#0099df', label: 'MAES' },
  mir: { fill: '#0f754e', label: 'MIR' },
  elo: { fill: '#000000', label: 'ELO', text: '#ffcb05' },
  hiper: { fill: '#f37421', label: 'HIPER' },
  hipercard: { fill: '#b3131b', label: 'HIPER' },
  troy: { fill: '#00a3ad', label: 'TROY' },
  verve: { fill: '#00425f', label: 'VERVE' },
  naranja: { fill: '#ff5a00', label: 'N' },
  unknown: { fill: '#ffffff', label: '' },
};

export function brandIconSvg(brand: CardBrand): string {
  const { fill, label, text = '#ffffff' } = BADGES[brand];
  const outline = brand === 'unknown' ? ' stroke="#6b7580" stroke-width="1.5"' : '';
  const stripe = brand === 'unknown' ? '<rect x="4" y="8" width="32" height="4" fill="#6b7580"/>' : '';
  const size = label.length > 4 ? 8 : 10;
  const word = label ? `<text x="20" y="17" font-family="Arial, Helvetica, sans-serif" font-size="${size}" font-weight="700" fill="${text}" text-anchor="middle">${label}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="26" viewBox="0 0 40 26" aria-hidden="true"><rect x="1" y="1" width="38" height="24" rx="3" fill="${fill}"${outline}/>${stripe}${word}</svg>`;
}

/** Every brand's icon, by the file name the form requests (`<brand>.svg`). */
export const BRAND_ICONS: ReadonlyMap<string, string> = new Map(BRANDS.map((b) => [`${b}.svg`, brandIconSvg(b)]));
