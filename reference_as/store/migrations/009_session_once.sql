-- Schema 7: a one-time slot in each browser session (post/redirect/get). A form
-- post that makes something to be shown once (a client's new secret) leaves it
-- here, sealed (AES-256-GCM, see reference_as/shown_once.py), for the page it
-- redirects to, which empties the slot; a reload finds it empty. Deleting or
-- purging the session deletes the slot with it.

ALTER TABLE sessions ADD COLUMN once_sealed BLOB;
