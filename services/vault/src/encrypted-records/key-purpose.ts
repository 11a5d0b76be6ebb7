/** What a key version is for: wrapping data keys of ciphertexts, or keying PAN fingerprints. */
export type KeyPurpose = 'wrapping' | 'fingerprint';
