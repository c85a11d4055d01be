import type { Template } from '@ventana/domain';

/** A template as the API shows it. */
export const templateView = (t: Template) => ({
  id: t.id,
  name: t.name,
  language: t.language,
  category: t.category,
  body: t.body,
  parameter_count: t.parameterCount,
  status: t.status,
  created_at: t.createdAt,
  updated_at: t.updatedAt,
});
