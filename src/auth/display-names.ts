/**
 * Display names of signed-in viewers (the `name` of their ID token), kept in D1 by stable
 * user id so a group page can label its grabbers. Cosmetic: a failed write or read leaves
 * the label "Friend N" and never fails a sign-in or a page.
 */
export async function rememberName(db: D1Database, userId: string, name: string, now: number): Promise<void> {
  try {
    await db
      .prepare(
        "INSERT INTO display_names (user_id, name, updated_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at",
      )
      .bind(userId, name, now)
      .run();
  } catch (err) {
    console.warn("display name not stored", String(err));
  }
}

export async function namesOf(db: D1Database, userIds: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (userIds.length === 0) return names;
  try {
    const { results } = await db
      .prepare(`SELECT user_id, name FROM display_names WHERE user_id IN (SELECT value FROM json_each(?))`)
      .bind(JSON.stringify(userIds))
      .all<{ user_id: string; name: string }>();
    for (const row of results) names.set(row.user_id, row.name);
  } catch (err) {
    console.warn("display names unavailable", String(err));
  }
  return names;
}
