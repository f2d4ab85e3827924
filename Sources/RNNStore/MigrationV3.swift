import Foundation
import GRDB

extension Migrations {
    /// v3: checkpoints belong to their run, sessions carry a unique id, states may be cut into
    /// parts, and every run's totals are kept by triggers.
    ///
    /// - `checkpoint.kind`: `automatic` (`RUN@EPOCH`, `RUN@best`, `RUN@latest`: unique within
    ///   their run, so a later run of the same name never replaces them) or `named`
    ///   (`checkpoint save NAME`: unique in the store). An existing checkpoint is automatic when
    ///   its name is its run's name, `@`, and `best`, `latest` or an epoch number.
    /// - `checkpoint.size`/`parts` and `checkpoint_part`: a state longer than SQLite takes in one
    ///   value is stored as its first part in `state` and the rest in `checkpoint_part`.
    /// - `session.uuid`: a unique id, so merging one store into another twice adds nothing.
    /// - `run_totals`: epochs, seconds, the last and the best epoch of each run, kept by
    ///   triggers on `metric`, so listing runs reads one row per run instead of every metric.
    static func v3(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE new_session (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                uuid TEXT NOT NULL UNIQUE CHECK (length(uuid) = 36),
                started_at DATETIME NOT NULL,
                ended_at DATETIME,
                version TEXT NOT NULL,
                store_path TEXT NOT NULL,
                cwd TEXT NOT NULL,
                pid INTEGER NOT NULL CHECK (pid > 0),
                process_start INTEGER NOT NULL
            )
            """)
        let insert = try db.makeStatement(sql: """
            INSERT INTO new_session (id, uuid, started_at, ended_at, version, store_path, cwd, pid, process_start)
            SELECT id, ?, started_at, ended_at, version, store_path, cwd, pid, process_start FROM session WHERE id = ?
            """)
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM session ORDER BY id") {
            try insert.execute(arguments: [UUID().uuidString, id])
        }
        try db.execute(sql: """
            DROP TABLE session;
            ALTER TABLE new_session RENAME TO session;

            CREATE TABLE new_checkpoint (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL CHECK (kind IN ('automatic', 'named')),
                name TEXT NOT NULL CHECK (name <> ''),
                run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                epoch INTEGER NOT NULL CHECK (epoch >= 0),
                created_at DATETIME NOT NULL,
                model_spec TEXT NOT NULL,
                data_spec TEXT NOT NULL,
                state BLOB NOT NULL,
                size INTEGER NOT NULL CHECK (size >= length(state)),
                parts INTEGER NOT NULL CHECK (parts >= 1),
                format_version INTEGER NOT NULL CHECK (format_version >= 1),
                checksum TEXT NOT NULL
            );
            INSERT INTO new_checkpoint
            SELECT c.id,
                   CASE WHEN r.name IS NOT NULL AND substr(c.name, 1, length(r.name) + 1) = r.name || '@'
                             AND (substr(c.name, length(r.name) + 2) IN ('best', 'latest')
                                  OR (substr(c.name, length(r.name) + 2) <> ''
                                      AND substr(c.name, length(r.name) + 2) NOT GLOB '*[^0-9]*'))
                        THEN 'automatic' ELSE 'named' END,
                   c.name, c.run_id, c.epoch, c.created_at, c.model_spec, c.data_spec, c.state, length(c.state), 1,
                   c.format_version, c.checksum
            FROM checkpoint c LEFT JOIN run r ON r.id = c.run_id;
            DROP TABLE checkpoint;
            ALTER TABLE new_checkpoint RENAME TO checkpoint;
            CREATE INDEX checkpoint_run ON checkpoint(run_id);
            CREATE UNIQUE INDEX checkpoint_automatic_name ON checkpoint(run_id, name) WHERE kind = 'automatic';
            CREATE UNIQUE INDEX checkpoint_named_name ON checkpoint(name) WHERE kind = 'named';

            CREATE TABLE checkpoint_part (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                checkpoint_id INTEGER NOT NULL REFERENCES checkpoint(id) ON DELETE CASCADE,
                part INTEGER NOT NULL CHECK (part >= 1),
                bytes BLOB NOT NULL,
                UNIQUE (checkpoint_id, part)
            );

            CREATE TABLE run_totals (
                run_id INTEGER PRIMARY KEY NOT NULL,
                epochs INTEGER NOT NULL CHECK (epochs >= 0),
                seconds DOUBLE NOT NULL,
                last_epoch INTEGER,
                last_loss DOUBLE,
                last_val_loss DOUBLE,
                last_splits INTEGER,
                best_loss DOUBLE,
                best_epoch INTEGER
            );
            """)
        try db.execute(sql: RunTotalsSQL.schema)
        try db.execute(sql: RunTotalsSQL.recompute(runIDs: "SELECT id FROM run"))
    }
}

/// The triggers that keep `run_totals` equal to what `metric` holds. The best epoch is the
/// first epoch with the lowest finite monitored loss (validation when recorded, else training).
enum RunTotalsSQL {
    static let monitored = "coalesce(val_loss, loss)"
    static let finite = "abs(coalesce(val_loss, loss)) <= 1.7976931348623157e308"

    /// Recomputes the totals of the runs `runIDs` (an SQL expression listing them) from their metrics.
    static func recompute(runIDs: String) -> String {
        """
        DELETE FROM run_totals WHERE run_id IN (\(runIDs));
        INSERT INTO run_totals (run_id, epochs, seconds, last_epoch, last_loss, last_val_loss, last_splits, best_loss, best_epoch)
        SELECT m.run_id, count(*), total(m.seconds),
               (SELECT epoch FROM metric WHERE run_id = m.run_id ORDER BY epoch DESC LIMIT 1),
               (SELECT loss FROM metric WHERE run_id = m.run_id ORDER BY epoch DESC LIMIT 1),
               (SELECT val_loss FROM metric WHERE run_id = m.run_id ORDER BY epoch DESC LIMIT 1),
               (SELECT splits FROM metric WHERE run_id = m.run_id ORDER BY epoch DESC LIMIT 1),
               (SELECT \(monitored) FROM metric WHERE run_id = m.run_id AND \(finite) ORDER BY \(monitored), epoch LIMIT 1),
               (SELECT epoch FROM metric WHERE run_id = m.run_id AND \(finite) ORDER BY \(monitored), epoch LIMIT 1)
        FROM metric m WHERE m.run_id IN (\(runIDs)) GROUP BY m.run_id;
        """
    }

    static let schema = """
        CREATE TRIGGER metric_totals_insert AFTER INSERT ON metric BEGIN
            INSERT OR IGNORE INTO run_totals (run_id, epochs, seconds) VALUES (NEW.run_id, 0, 0);
            UPDATE run_totals SET epochs = epochs + 1, seconds = seconds + NEW.seconds WHERE run_id = NEW.run_id;
            UPDATE run_totals SET last_epoch = NEW.epoch, last_loss = NEW.loss, last_val_loss = NEW.val_loss,
                                  last_splits = NEW.splits
                WHERE run_id = NEW.run_id AND (last_epoch IS NULL OR NEW.epoch > last_epoch);
            UPDATE run_totals SET best_loss = coalesce(NEW.val_loss, NEW.loss), best_epoch = NEW.epoch
                WHERE run_id = NEW.run_id AND abs(coalesce(NEW.val_loss, NEW.loss)) <= 1.7976931348623157e308
                  AND (best_loss IS NULL OR coalesce(NEW.val_loss, NEW.loss) < best_loss
                       OR (coalesce(NEW.val_loss, NEW.loss) = best_loss AND NEW.epoch < best_epoch));
        END;
        CREATE TRIGGER metric_totals_delete AFTER DELETE ON metric
        WHEN EXISTS (SELECT 1 FROM run WHERE id = OLD.run_id) BEGIN
            \(recompute(runIDs: "OLD.run_id"))
        END;
        CREATE TRIGGER metric_totals_update AFTER UPDATE ON metric BEGIN
            \(recompute(runIDs: "OLD.run_id, NEW.run_id"))
        END;
        CREATE TRIGGER run_totals_delete AFTER DELETE ON run BEGIN
            DELETE FROM run_totals WHERE run_id = OLD.id;
        END;
        """
}
