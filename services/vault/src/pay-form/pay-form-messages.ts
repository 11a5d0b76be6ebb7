/**
 * Every text of the pay form, in the languages of the card form (card-form/messages.ts: one list of locales, one
 * `localeOf`); the overload messages are the card form's own. Used by the server (the page) and the browser code.
 * Pure, no Node API.
 */
import { MESSAGES as CARD_FORM, type Locale } from '../card-form/messages.ts';

export interface PayMessages {
  readonly title: string;
  readonly loading: string;
  readonly payee: string;
  readonly amount: string;
  readonly invoice: string;
  readonly dueDate: string;
  readonly card: string;
  readonly cardExpires: (expiry: string) => string;
  readonly codeLabel: string;
  readonly codeHint: (length: number) => string;
  readonly codeMissing: string;
  readonly codeInvalid: (length: number) => string;
  readonly pay: string;
  readonly payAmount: (amount: string) => string;
  readonly paying: string;
  readonly paid: string;
  readonly failed: string;
  readonly alreadyPaid: string;
  readonly expired: string;
  readonly rateLimited: (seconds: number | null) => string;
  readonly unavailable: string;
  readonly offline: string;
}

export const PAY_MESSAGES: Record<Locale, PayMessages> = {
  en: {
    title: 'Pay invoice',
    loading: 'Loading the invoice…',
    payee: 'Pay to',
    amount: 'Amount',
    invoice: 'Invoice',
    dueDate: 'Due',
    card: 'Card',
    cardExpires: (e) => `expires ${e}`,
    codeLabel: 'Security code',
    codeHint: (n) => `${n} digits, on the card`,
    codeMissing: 'Enter the security code.',
    codeInvalid: (n) => `Enter the ${n}-digit security code.`,
    pay: 'Pay',
    payAmount: (a) => `Pay ${a}`,
    paying: 'Paying…',
    paid: 'Paid',
    failed: 'This payment cannot go ahead. Close this and start again.',
    alreadyPaid: 'This invoice has already been paid.',
    expired: 'This payment form has expired. Close it and start again.',
    rateLimited: CARD_FORM.en.rateLimited,
    unavailable: 'The payment service is busy. Try again in a moment.',
    offline: 'The payment was not sent. Check your connection.',
  },
  de: {
    title: 'Rechnung bezahlen',
    loading: 'Rechnung wird geladen …',
    payee: 'Empfänger',
    amount: 'Betrag',
    invoice: 'Rechnung',
    dueDate: 'Fällig',
    card: 'Karte',
    cardExpires: (e) => `gültig bis ${e}`,
    codeLabel: 'Sicherheitscode',
    codeHint: (n) => `${n} Ziffern, auf der Karte`,
    codeMissing: 'Geben Sie den Sicherheitscode ein.',
    codeInvalid: (n) => `Geben Sie den ${n}-stelligen Sicherheitscode ein.`,
    pay: 'Bezahlen',
    payAmount: (a) => `${a} bezahlen`,
    paying: 'Wird bezahlt …',
    paid: 'Bezahlt',
    failed: 'Diese Zahlung ist nicht möglich. Schließen Sie das Formular und beginnen Sie neu.',
    alreadyPaid: 'Diese Rechnung ist bereits bezahlt.',
    expired: 'Dieses Zahlungsformular ist abgelaufen. Schließen Sie es und beginnen Sie neu.',
    rateLimited: CARD_FORM.de.rateLimited,
    unavailable: 'Der Zahlungsdienst ist ausgelastet. Versuchen Sie es gleich noch einmal.',
    offline: 'Die Zahlung wurde nicht gesendet. Prüfen Sie Ihre Verbindung.',
  },
  fr: {
    title: 'Payer la facture',
    loading: 'Chargement de la facture…',
    payee: 'Bénéficiaire',
    amount: 'Montant',
    invoice: 'Facture',
    dueDate: 'Échéance',
    card: 'Carte',
    cardExpires: (e) => `expire ${e}`,
    codeLabel: 'Code de sécurité',
    codeHint: (n) => `${n} chiffres, sur la carte`,
    codeMissing: 'Saisissez le code de sécurité.',
    codeInvalid: (n) => `Saisissez le code de sécurité à ${n} chiffres.`,
    pay: 'Payer',
    payAmount: (a) => `Payer ${a}`,
    paying: 'Paiement…',
    paid: 'Payé',
    failed: 'Ce paiement ne peut pas aboutir. Fermez ce formulaire et recommencez.',
    alreadyPaid: 'Cette facture a déjà été payée.',
    expired: 'Ce formulaire de paiement a expiré. Fermez-le et recommencez.',
    rateLimited: CARD_FORM.fr.rateLimited,
    unavailable: 'Le service de paiement est occupé. Réessayez dans un instant.',
    offline: "Le paiement n'a pas été envoyé. Vérifiez votre connexion.",
  },
  es: {
    title: 'Pagar factura',
    loading: 'Cargando la factura…',
    payee: 'Pagar a',
    amount: 'Importe',
    invoice: 'Factura',
    dueDate: 'Vencimiento',
    card: 'Tarjeta',
    cardExpires: (e) => `caduca ${e}`,
    codeLabel: 'Código de seguridad',
    codeHint: (n) => `${n} dígitos, en la tarjeta`,
    codeMissing: 'Introduce el código de seguridad.',
    codeInvalid: (n) => `Introduce el código de seguridad de ${n} dígitos.`,
    pay: 'Pagar',
    payAmount: (a) => `Pagar ${a}`,
    paying: 'Pagando…',
    paid: 'Pagado',
    failed: 'Este pago no puede realizarse. Cierra este formulario y vuelve a empezar.',
    alreadyPaid: 'Esta factura ya se ha pagado.',
    expired: 'Este formulario de pago ha caducado. Ciérralo y vuelve a empezar.',
    rateLimited: CARD_FORM.es.rateLimited,
    unavailable: 'El servicio de pago está ocupado. Vuelve a intentarlo en un momento.',
    offline: 'El pago no se ha enviado. Comprueba tu conexión.',
  },
};
