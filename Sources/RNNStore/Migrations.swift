import GRDB

/// The store's schema, as named, append-only migrations. Never edit or reorder a
/// registered migration: add a new one at the end. A store whose `grdb_migrations`
/// table names a migration not registered here was written by a newer rnnlab.
enum Migrations {
    /// The rnnlab `application_id`: "RNNL" in ASCII.
    static let applicationID: Int32 = 0x524E_4E4C

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-sessions-cells-runs") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: """
                CREATE TABLE session (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    started_at DATETIME NOT NULL,
                    ended_at DATETIME,
                    version TEXT NOT NULL,
                    store_path TEXT NOT NULL,
                    cwd TEXT NOT NULL,
                    pid INTEGER NOT NULL CHECK (pid > 0),
                    process_start INTEGER NOT NULL
                );
                CREATE TABLE cell (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                    number INTEGER NOT NULL CHECK (number >= 1),
                    source TEXT NOT NULL,
                    output TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('ok', 'error', 'interrupted')),
                    started_at DATETIME NOT NULL,
                    duration DOUBLE NOT NULL CHECK (duration >= 0),
                    UNIQUE (session_id, number)
                );
                CREATE TABLE run (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    session_id INTEGER NOT NULL REFERENCES session(id),
                    cell_id INTEGER REFERENCES cell(id) ON DELETE SET NULL,
                    name TEXT NOT NULL UNIQUE CHECK (name <> ''),
                    configuration TEXT NOT NULL CHECK (json_valid(configuration)),
                    status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted', 'diverged')),
                    started_at DATETIME NOT NULL,
                    ended_at DATETIME
                );
                CREATE INDEX run_session ON run(session_id);
                CREATE TABLE metric (
                    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    epoch INTEGER NOT NULL CHECK (epoch >= 1),
                    loss DOUBLE NOT NULL,
                    val_loss DOUBLE,
                    splits INTEGER NOT NULL CHECK (splits >= 1),
                    lr DOUBLE NOT NULL,
                    grad_norm_mean DOUBLE NOT NULL,
                    grad_norm_max DOUBLE NOT NULL,
                    seconds DOUBLE NOT NULL CHECK (seconds >= 0),
                    PRIMARY KEY (run_id, epoch)
                ) WITHOUT ROWID;
                CREATE TABLE checkpoint (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE CHECK (name <> ''),
                    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    epoch INTEGER NOT NULL CHECK (epoch >= 0),
                    created_at DATETIME NOT NULL,
                    model_spec TEXT NOT NULL,
                    data_spec TEXT NOT NULL,
                    state BLOB NOT NULL,
                    format_version INTEGER NOT NULL CHECK (format_version >= 1),
                    checksum TEXT NOT NULL
                );
                CREATE INDEX checkpoint_run ON checkpoint(run_id);
                CREATE TABLE csv_data (
                    hash TEXT PRIMARY KEY NOT NULL CHECK (hash <> ''),
                    bytes BLOB NOT NULL
                );
                CREATE TABLE attachment (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    cell_id INTEGER NOT NULL REFERENCES cell(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL CHECK (kind <> ''),
                    payload BLOB NOT NULL
                );
                CREATE INDEX attachment_cell ON attachment(cell_id);
                """)
        }
        // Run names unique per session, not per store: running an experiment script again
        // records new runs of the same names, and a name then means its latest run.
        migrator.registerMigration("v2-run-names-per-session") { db in
            try db.execute(sql: """
                CREATE TABLE new_run (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    session_id INTEGER NOT NULL REFERENCES session(id),
                    cell_id INTEGER REFERENCES cell(id) ON DELETE SET NULL,
                    name TEXT NOT NULL CHECK (name <> ''),
                    configuration TEXT NOT NULL CHECK (json_valid(configuration)),
                    status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted', 'diverged')),
                    started_at DATETIME NOT NULL,
                    ended_at DATETIME,
                    UNIQUE (session_id, name)
                );
                INSERT INTO new_run SELECT id, session_id, cell_id, name, configuration, status, started_at, ended_at FROM run;
                DROP TABLE run;
                ALTER TABLE new_run RENAME TO run;
                CREATE INDEX run_session ON run(session_id);
                CREATE INDEX run_name ON run(name);
                """)
        }
        migrator.registerMigration("v3-checkpoints-per-run-session-uuid", migrate: v3)
        RunLineageMigration.register(in: &migrator)
        return migrator
    }()
}
