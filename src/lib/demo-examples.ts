// OpenAPI examples: the seeded demo data (scripts/seed-local.sql), as the API answers for it.

export const DEMO_COURSE_ID = 'course-v1:edX+DemoX+Demo_Course';

export const DEMO_MODES = [
  {
    slug: 'audit',
    name: 'Audit',
    min_price: 0,
    suggested_prices: '',
    currency: 'usd',
    expiration_datetime: null,
    description: null,
    sku: null,
    bulk_sku: null,
  },
  {
    slug: 'verified',
    name: 'Verified Certificate',
    min_price: 49,
    suggested_prices: '',
    currency: 'usd',
    expiration_datetime: '2099-12-31T23:59:59Z',
    description: null,
    sku: 'DEMO-VERIFIED',
    bulk_sku: 'DEMO-VERIFIED-BULK',
  },
];
