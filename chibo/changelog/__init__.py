"""The change log (nhật ký thay đổi): django-auditlog entries of every record that matters,
attributed to organisations so that a committee reads the entries of its subtree."""
