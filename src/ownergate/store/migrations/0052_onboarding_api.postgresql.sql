-- The onboarding role joins the four admin roles.
ALTER TABLE admin_tokens DROP CONSTRAINT IF EXISTS admin_tokens_role_check;
ALTER TABLE admin_tokens ADD CONSTRAINT admin_tokens_role_check
    CHECK (role IN ('viewer', 'analyst', 'approver', 'admin', 'onboarding'));
