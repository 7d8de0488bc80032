-- 006: the roles and permissions the application checks. Production data, not demo data.
-- Safe to re-run: every insert is ON CONFLICT DO NOTHING.

INSERT INTO roles (name, description) VALUES
    ('admin',    'Everything, including users and refunds'),
    ('editor',   'Catalog, pages, blog, team and SEO'),
    ('support',  'Orders (read), enquiries, feedback moderation, users (read)'),
    ('customer', 'Buys and downloads; no back-office access')
ON CONFLICT (name) DO NOTHING;

INSERT INTO permissions (name, description) VALUES
    ('products:write',    'Create, edit, publish and archive products and their files'),
    ('orders:read',       'See all orders, payments and invoices'),
    ('orders:refund',     'Refund an order and revoke its entitlements'),
    ('cms:write',         'Edit and publish CMS pages'),
    ('users:read',        'See user accounts'),
    ('users:manage',      'Change roles, disable, unlock and anonymise users'),
    ('enquiries:manage',  'Read, assign and close contact enquiries'),
    ('feedback:moderate', 'Approve or reject reviews'),
    ('seo:manage',        'Edit SEO rules'),
    ('metrics:read',      'See traffic and sales metrics'),
    ('blog:write',        'Write and publish blog posts'),
    ('team:write',        'Edit the team page'),
    ('coupons:manage',    'Create and edit coupons')
ON CONFLICT (name) DO NOTHING;

-- admin holds every permission (a later migration that adds a permission should re-run
-- this first statement).
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id
  FROM roles r CROSS JOIN permissions p
 WHERE r.name = 'admin'
ON CONFLICT DO NOTHING;

INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id
  FROM (VALUES
        ('editor', 'products:write'), ('editor', 'cms:write'), ('editor', 'blog:write'),
        ('editor', 'team:write'), ('editor', 'seo:manage'), ('editor', 'metrics:read'),
        ('support', 'orders:read'), ('support', 'enquiries:manage'),
        ('support', 'feedback:moderate'), ('support', 'users:read')
        -- customer: none
       ) AS v (role_name, permission_name)
  JOIN roles r ON r.name = v.role_name
  JOIN permissions p ON p.name = v.permission_name
ON CONFLICT DO NOTHING;
