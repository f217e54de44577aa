// Temporary: the principal types moved to context/principal.ts; removed once bulk.service.ts and
// users.service.ts (being edited) import them there.
export type { Principal, UserAccount } from '../context/principal';
