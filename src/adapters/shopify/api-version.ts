/** The Admin API version this release is written and tested against (`shopify.apiVersion` in the config overrides it). */
export const SHOPIFY_API_VERSION = '2026-10';
