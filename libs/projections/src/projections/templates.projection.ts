import { type Template, type TemplateEvent, evolveTemplate } from '@ventana/domain';
import type { Projection } from '../projection';

/** Every business's templates with their review status, for listing. */
export interface TemplateRow {
  id: string;
  business_id: string;
  name: string;
  language: string;
  category: string;
  body: string;
  parameter_count: number;
  status: string;
  created_at: string;
  updated_at: string;
}

export const toTemplate = (row: TemplateRow): Template => ({
  id: row.id,
  businessId: row.business_id,
  name: row.name,
  language: row.language,
  category: row.category as Template['category'],
  body: row.body,
  parameterCount: row.parameter_count,
  status: row.status as Template['status'],
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const templatesProjection: Projection = {
  name: 'templates',
  eventTypes: ['TemplateSubmitted', 'TemplateReviewed'],
  migrations: [
    {
      version: 1,
      statements: [
        `CREATE TABLE IF NOT EXISTS templates (
           id TEXT PRIMARY KEY, business_id TEXT NOT NULL, name TEXT NOT NULL, language TEXT NOT NULL,
           category TEXT NOT NULL, body TEXT NOT NULL, parameter_count INTEGER NOT NULL, status TEXT NOT NULL,
           created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
        `CREATE INDEX IF NOT EXISTS templates_by_business ON templates (business_id, name, language)`,
      ],
    },
  ],
  tables: ['templates'],
  async apply(tx, event) {
    const { templateId } = event.data as { templateId: string };
    const row = await tx.one<TemplateRow>(`SELECT * FROM templates WHERE id = ?`, [templateId]);
    const t = evolveTemplate(row && toTemplate(row), event as unknown as TemplateEvent);
    if (!t) return;
    await tx.run(
      `INSERT INTO templates (id, business_id, name, language, category, body, parameter_count, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET category = excluded.category, status = excluded.status, updated_at = excluded.updated_at`,
      [t.id, t.businessId, t.name, t.language, t.category, t.body, t.parameterCount, t.status, t.createdAt, t.updatedAt],
    );
  },
};
