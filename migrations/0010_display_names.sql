-- Display names from viewers' ID tokens, by stable user id: group pages label a grabber
-- with it (or "Friend N"), never with another user's id. Written at sign-in.
CREATE TABLE display_names (
  user_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
