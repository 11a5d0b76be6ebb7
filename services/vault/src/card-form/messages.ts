/**
 * Every text of the hosted card form, in every language it speaks: one catalogue, used by the server (the page's
 * labels, rendered in the chosen language) and by the browser code (errors and status). Pure, no Node API.
 * Adding a language is adding one entry here; the browser test runs every form check in each.
 */
export const LOCALES = ['en', 'de', 'fr', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export interface Messages {
  readonly title: string;
  readonly nameLabel: string;
  readonly numberLabel: string;
  readonly expiryLabel: string;
  readonly expiryHint: string;
  readonly submit: string;
  readonly saving: string;
  readonly saved: (brand: string, last4: string) => string;
  readonly genericCard: string;
  readonly nameMissing: string;
  readonly numberMissing: string;
  readonly numberInvalid: string;
  readonly expiryMissing: string;
  readonly expiryInvalid: string;
  readonly expiryPast: string;
  readonly sessionExpired: string;
  readonly rateLimited: (seconds: number | null) => string;
  readonly unavailable: string;
  readonly notSaved: string;
  readonly offline: string;
}

export const MESSAGES: Record<Locale, Messages> = {
  en: {
    title: 'Card details',
    nameLabel: 'Name on card',
    numberLabel: 'Card number',
    expiryLabel: 'Expiry date',
    expiryHint: 'MM / YY',
    submit: 'Save card',
    saving: 'Saving…',
    saved: (brand, last4) => `Saved ${brand} ending ${last4}.`,
    genericCard: 'card',
    nameMissing: 'Enter the name on the card.',
    numberMissing: 'Enter the card number.',
    numberInvalid: 'This card number is not valid. Check the digits.',
    expiryMissing: 'Enter the expiry date.',
    expiryInvalid: 'Enter the expiry date as MM / YY.',
    expiryPast: 'This card has expired.',
    sessionExpired: 'This form has expired. Close it and try again.',
    rateLimited: (s) => (s ? `Too many attempts. Try again in ${s} seconds.` : 'Too many attempts. Try again later.'),
    unavailable: 'The card service is busy. Try again in a moment.',
    notSaved: 'The card could not be saved.',
    offline: 'The card could not be saved. Check your connection.',
  },
  de: {
    title: 'Kartendaten',
    nameLabel: 'Name auf der Karte',
    numberLabel: 'Kartennummer',
    expiryLabel: 'Ablaufdatum',
    expiryHint: 'MM / JJ',
    submit: 'Karte speichern',
    saving: 'Wird gespeichert …',
    saved: (brand, last4) => `${brand} mit Endziffern ${last4} gespeichert.`,
    genericCard: 'Karte',
    nameMissing: 'Geben Sie den Namen auf der Karte ein.',
    numberMissing: 'Geben Sie die Kartennummer ein.',
    numberInvalid: 'Diese Kartennummer ist ungültig. Prüfen Sie die Ziffern.',
    expiryMissing: 'Geben Sie das Ablaufdatum ein.',
    expiryInvalid: 'Geben Sie das Ablaufdatum als MM / JJ ein.',
    expiryPast: 'Diese Karte ist abgelaufen.',
    sessionExpired: 'Dieses Formular ist abgelaufen. Schließen Sie es und versuchen Sie es erneut.',
    rateLimited: (s) => (s ? `Zu viele Versuche. Versuchen Sie es in ${s} Sekunden erneut.` : 'Zu viele Versuche. Versuchen Sie es später erneut.'),
    unavailable: 'Der Kartendienst ist ausgelastet. Versuchen Sie es gleich noch einmal.',
    notSaved: 'Die Karte konnte nicht gespeichert werden.',
    offline: 'Die Karte konnte nicht gespeichert werden. Prüfen Sie Ihre Verbindung.',
  },
  fr: {
    title: 'Données de la carte',
    nameLabel: 'Nom sur la carte',
    numberLabel: 'Numéro de carte',
    expiryLabel: "Date d'expiration",
    expiryHint: 'MM / AA',
    submit: 'Enregistrer la carte',
    saving: 'Enregistrement…',
    saved: (brand, last4) => `${brand} se terminant par ${last4} enregistrée.`,
    genericCard: 'Carte',
    nameMissing: 'Saisissez le nom figurant sur la carte.',
    numberMissing: 'Saisissez le numéro de carte.',
    numberInvalid: "Ce numéro de carte n'est pas valide. Vérifiez les chiffres.",
    expiryMissing: "Saisissez la date d'expiration.",
    expiryInvalid: "Saisissez la date d'expiration au format MM / AA.",
    expiryPast: 'Cette carte a expiré.',
    sessionExpired: 'Ce formulaire a expiré. Fermez-le et réessayez.',
    rateLimited: (s) => (s ? `Trop de tentatives. Réessayez dans ${s} secondes.` : 'Trop de tentatives. Réessayez plus tard.'),
    unavailable: 'Le service de cartes est occupé. Réessayez dans un instant.',
    notSaved: "La carte n'a pas pu être enregistrée.",
    offline: "La carte n'a pas pu être enregistrée. Vérifiez votre connexion.",
  },
  es: {
    title: 'Datos de la tarjeta',
    nameLabel: 'Nombre en la tarjeta',
    numberLabel: 'Número de tarjeta',
    expiryLabel: 'Fecha de caducidad',
    expiryHint: 'MM / AA',
    submit: 'Guardar tarjeta',
    saving: 'Guardando…',
    saved: (brand, last4) => `${brand} terminada en ${last4} guardada.`,
    genericCard: 'Tarjeta',
    nameMissing: 'Introduce el nombre que figura en la tarjeta.',
    numberMissing: 'Introduce el número de tarjeta.',
    numberInvalid: 'Este número de tarjeta no es válido. Revisa los dígitos.',
    expiryMissing: 'Introduce la fecha de caducidad.',
    expiryInvalid: 'Introduce la fecha de caducidad como MM / AA.',
    expiryPast: 'Esta tarjeta ha caducado.',
    sessionExpired: 'Este formulario ha caducado. Ciérralo y vuelve a intentarlo.',
    rateLimited: (s) => (s ? `Demasiados intentos. Vuelve a intentarlo en ${s} segundos.` : 'Demasiados intentos. Vuelve a intentarlo más tarde.'),
    unavailable: 'El servicio de tarjetas está ocupado. Vuelve a intentarlo en un momento.',
    notSaved: 'No se ha podido guardar la tarjeta.',
    offline: 'No se ha podido guardar la tarjeta. Comprueba tu conexión.',
  },
};

/** The locale named, if the form speaks it; otherwise the default. */
export function localeOf(value: unknown): Locale {
  return (LOCALES as readonly unknown[]).includes(value) ? (value as Locale) : DEFAULT_LOCALE;
}
