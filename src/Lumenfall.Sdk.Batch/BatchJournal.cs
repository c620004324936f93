using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Lumenfall.Sdk.Batch;

/// <summary>One job's row in the journal.</summary>
internal sealed record JournalEntry(
    string Id,
    string Model,
    BatchJobState State,
    string? ClientRequestId,
    string? RehydrationToken,
    string? OperationId,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> Sha256,
    decimal? EstimatedCost,
    decimal? ActualCost,
    string? Error);

/// <summary>
/// The batch's journal: one SQLite file, one row per job. Every write is its own transaction with
/// <c>synchronous=FULL</c>, so what a write said survives a crash or a power cut the moment it returns. A run holds
/// the file's lock from open to close (<c>locking_mode=EXCLUSIVE</c>): a second run on the same journal is refused
/// instead of sending the jobs the first has not reached yet.
/// </summary>
internal sealed class BatchJournal : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly object _gate = new();

    private BatchJournal(SqliteConnection connection) => _connection = connection;

    public static BatchJournal Open(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 1 }.ToString());
        try
        {
            connection.Open();
            using SqliteCommand setup = connection.CreateCommand();
            setup.CommandText = Setup;
            setup.ExecuteNonQuery();
            setup.CommandText = "BEGIN IMMEDIATE; SELECT count(*) FROM jobs; COMMIT;";   // the lock is ours, or this fails now
            setup.ExecuteScalar();
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)   // SQLITE_BUSY, SQLITE_LOCKED
        {
            connection.Dispose();
            throw new InvalidOperationException($"The batch journal {path} is in use by another run; wait for it to end, or use another journal.", ex);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new BatchJournal(connection);
    }

    /// <summary>Takes the file's lock for good (an empty exclusive transaction), then sets up the table.</summary>
    private const string Setup = """
            PRAGMA locking_mode = EXCLUSIVE;
            BEGIN EXCLUSIVE;
            COMMIT;
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS jobs (
                id TEXT PRIMARY KEY,
                model TEXT NOT NULL,
                state TEXT NOT NULL,
                client_request_id TEXT,
                rehydration_token TEXT,
                operation_id TEXT,
                files TEXT,
                sha256 TEXT,
                estimated_cost TEXT,
                actual_cost TEXT,
                error TEXT,
                updated_utc TEXT NOT NULL
            );
            """;

    public Dictionary<string, JournalEntry> ReadAll()
    {
        lock (_gate)
        {
            var entries = new Dictionary<string, JournalEntry>(StringComparer.Ordinal);
            using SqliteCommand read = _connection.CreateCommand();
            read.CommandText = "SELECT id, model, state, client_request_id, rehydration_token, operation_id, files, sha256, estimated_cost, actual_cost, error FROM jobs";
            using SqliteDataReader row = read.ExecuteReader();
            while (row.Read())
            {
                var entry = new JournalEntry(
                    row.GetString(0),
                    row.GetString(1),
                    Enum.Parse<BatchJobState>(row.GetString(2), ignoreCase: true),
                    Text(row, 3),
                    Text(row, 4),
                    Text(row, 5),
                    List(Text(row, 6)),
                    List(Text(row, 7)),
                    Money(Text(row, 8)),
                    Money(Text(row, 9)),
                    Text(row, 10));
                entries[entry.Id] = entry;
            }

            return entries;
        }
    }

    /// <summary>Writes the whole row (insert or replace) in one transaction.</summary>
    public void Write(JournalEntry entry)
    {
        lock (_gate)
        {
            using SqliteCommand write = _connection.CreateCommand();
            write.CommandText = """
                INSERT INTO jobs (id, model, state, client_request_id, rehydration_token, operation_id, files, sha256, estimated_cost, actual_cost, error, updated_utc)
                VALUES ($id, $model, $state, $client, $token, $operation, $files, $sha, $estimate, $actual, $error, $updated)
                ON CONFLICT (id) DO UPDATE SET model = excluded.model, state = excluded.state, client_request_id = excluded.client_request_id,
                    rehydration_token = excluded.rehydration_token, operation_id = excluded.operation_id, files = excluded.files, sha256 = excluded.sha256,
                    estimated_cost = excluded.estimated_cost, actual_cost = excluded.actual_cost, error = excluded.error, updated_utc = excluded.updated_utc;
                """;
            write.Parameters.AddWithValue("$id", entry.Id);
            write.Parameters.AddWithValue("$model", entry.Model);
            write.Parameters.AddWithValue("$state", entry.State.ToString().ToLowerInvariant());
            write.Parameters.AddWithValue("$client", (object?)entry.ClientRequestId ?? DBNull.Value);
            write.Parameters.AddWithValue("$token", (object?)entry.RehydrationToken ?? DBNull.Value);
            write.Parameters.AddWithValue("$operation", (object?)entry.OperationId ?? DBNull.Value);
            write.Parameters.AddWithValue("$files", entry.Files.Count == 0 ? DBNull.Value : string.Join('\n', entry.Files));
            write.Parameters.AddWithValue("$sha", entry.Sha256.Count == 0 ? DBNull.Value : string.Join('\n', entry.Sha256));
            write.Parameters.AddWithValue("$estimate", (object?)entry.EstimatedCost?.ToString(CultureInfo.InvariantCulture) ?? DBNull.Value);
            write.Parameters.AddWithValue("$actual", (object?)entry.ActualCost?.ToString(CultureInfo.InvariantCulture) ?? DBNull.Value);
            write.Parameters.AddWithValue("$error", (object?)entry.Error ?? DBNull.Value);
            write.Parameters.AddWithValue("$updated", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            write.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    private static string? Text(SqliteDataReader row, int column) => row.IsDBNull(column) ? null : row.GetString(column);

    private static IReadOnlyList<string> List(string? text) => string.IsNullOrEmpty(text) ? [] : text.Split('\n');

    private static decimal? Money(string? text) => text is null ? null : decimal.Parse(text, CultureInfo.InvariantCulture);
}
