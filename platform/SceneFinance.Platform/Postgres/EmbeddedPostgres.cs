using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace SceneFinance.Platform.Postgres;

/// <summary>
/// A PostgreSQL server run from this machine's binaries in a data folder of ours, for the
/// product's zero-configuration default and for the tests. It is reused when its folder exists
/// (and even when a crashed host left it running), listens on 127.0.0.1 only, and requires a
/// password that is generated once and kept in the folder.
/// </summary>
public sealed class EmbeddedPostgres : IDisposable
{
    const string Database = "scenefinance";
    const string SuperUser = "postgres";

    readonly string _root;
    readonly string _dataDir;
    readonly string _bin;
    readonly bool _asPostgresUser;
    bool _startedByUs;

    public int Port { get; }
    public string ConnectionString { get; }

    EmbeddedPostgres(string root, int port)
    {
        _root = Path.GetFullPath(root);
        _dataDir = Path.Combine(_root, "pgdata");
        _bin = FindBinaries();
        _asPostgresUser = Environment.UserName == "root";
        Port = port;
        var password = ReadOrCreatePassword();
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = SuperUser, Password = password, Database = Database,
            MaxPoolSize = 200, NoResetOnClose = true,
        }.ConnectionString;
    }

    /// <summary>Starts (or reuses) the server under <paramref name="root"/> and makes sure our database exists.</summary>
    public static EmbeddedPostgres Start(string root, int? port = null, Action<string>? log = null)
    {
        log ??= _ => { };
        Directory.CreateDirectory(root);
        var chosenPort = port ?? ReadRunningPort(root) ?? FreePort();
        var pg = new EmbeddedPostgres(root, chosenPort);
        pg.EnsureRunning(log);
        pg.EnsureDatabase();
        return pg;
    }

    void EnsureRunning(Action<string> log)
    {
        if (_asPostgresUser) RequireReachableByOthers(_root);
        if (!File.Exists(Path.Combine(_dataDir, "PG_VERSION")))
        {
            log($"Creating PostgreSQL data folder {_dataDir}");
            Directory.CreateDirectory(_dataDir);
            GiveToPostgresUser(_root);
            var pwFile = Path.Combine(_root, "pgpass.init");
            File.WriteAllText(pwFile, File.ReadAllText(PasswordFile).Trim() + "\n");
            GiveToPostgresUser(pwFile);
            try
            {
                Run("initdb", $"-D \"{_dataDir}\" -U {SuperUser} --auth=scram-sha-256 --pwfile=\"{pwFile}\" -E UTF8 --locale=C.UTF-8");
            }
            finally { File.Delete(pwFile); }
            File.AppendAllText(Path.Combine(_dataDir, "postgresql.conf"), Tuning);
        }

        if (IsRunning())
        {
            log($"Reusing PostgreSQL already running on 127.0.0.1:{Port}");
            return;
        }

        var socketDir = Path.Combine(_root, "run");
        Directory.CreateDirectory(socketDir);
        GiveToPostgresUser(socketDir);
        var options = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{socketDir}'";
        Run("pg_ctl", $"-D \"{_dataDir}\" -l \"{Path.Combine(_root, "postgres.log")}\" -w -t 60 -o \"{options}\" start");
        File.WriteAllText(Path.Combine(_root, "port"), Port.ToString());
        _startedByUs = true;
        log($"Started PostgreSQL on 127.0.0.1:{Port} (data: {_dataDir})");
    }

    // Durability stays on (fsync, synchronous_commit): an acknowledged payment must survive a crash.
    const string Tuning = """

        # SceneFinance defaults
        max_connections = 300
        shared_buffers = 512MB
        wal_buffers = 16MB
        max_wal_size = 2GB
        checkpoint_timeout = 15min
        commit_delay = 0
        fsync = on
        synchronous_commit = on
        full_page_writes = on
        log_min_messages = warning

        """;

    bool IsRunning() => Run("pg_ctl", $"-D \"{_dataDir}\" status", throwOnError: false) == 0;

    void EnsureDatabase()
    {
        using var conn = Maintenance();
        using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @d", conn);
        exists.Parameters.AddWithValue("d", Database);
        if (exists.ExecuteScalar() is null)
        {
            using var create = new NpgsqlCommand($"create database {Database}", conn);
            create.ExecuteNonQuery();
        }
    }

    /// <summary>A connection to the server's maintenance database ('postgres'), as its superuser.</summary>
    public NpgsqlConnection Maintenance()
    {
        var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        conn.Open();
        return conn;
    }

    /// <summary>A fresh, empty database on this server (tests use one per host they start).</summary>
    public string CreateDatabase(string name)
    {
        using var conn = Maintenance();
        using (var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", conn)) drop.ExecuteNonQuery();
        using (var create = new NpgsqlCommand($"create database \"{name}\"", conn)) create.ExecuteNonQuery();
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Drops the databases named <paramref name="prefix"/>% that earlier runs (of the tests, of the bench) left behind: nobody
    /// connected to them, created more than <paramref name="olderThan"/> ago, and not ones to <paramref name="keep"/>.
    /// Returns their names.
    /// </summary>
    public IReadOnlyList<string> DropDatabases(string prefix, TimeSpan olderThan, Func<string, bool>? keep = null)
    {
        using var conn = Maintenance();
        var names = new List<string>();
        // A database's PG_VERSION file is written when it is created: its age is the database's.
        using (var find = new NpgsqlCommand("""
            select d.datname from pg_database d
            where starts_with(d.datname, @prefix)
              and not exists (select 1 from pg_stat_activity a where a.datid = d.oid)
              and (pg_stat_file('base/' || d.oid || '/PG_VERSION', true)).modification < now() - @age
            """, conn))
        {
            find.Parameters.AddWithValue("prefix", prefix);
            find.Parameters.AddWithValue("age", olderThan);
            using var reader = find.ExecuteReader();
            while (reader.Read()) names.Add(reader.GetString(0));
        }
        if (keep is not null) names.RemoveAll(name => keep(name));
        foreach (var name in names)
        {
            using var drop = new NpgsqlCommand($"drop database if exists \"{name.Replace("\"", "\"\"")}\" with (force)", conn);
            drop.ExecuteNonQuery();
        }
        return names;
    }

    public void Stop()
    {
        if (!_startedByUs) return;
        _startedByUs = false;
        NpgsqlConnection.ClearAllPools();
        Run("pg_ctl", $"-D \"{_dataDir}\" -m fast -w stop", throwOnError: false);
    }

    public void Dispose() => Stop();

    string PasswordFile => Path.Combine(_root, "postgres.password");

    string ReadOrCreatePassword()
    {
        if (!File.Exists(PasswordFile))
            Security.SecretFiles.Write(PasswordFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(18)).ToLowerInvariant());
        return File.ReadAllText(PasswordFile).Trim();
    }

    static int? ReadRunningPort(string root)
    {
        var pidFile = Path.Combine(root, "pgdata", "postmaster.pid");
        var portFile = Path.Combine(root, "port");
        if (!File.Exists(pidFile) || !File.Exists(portFile)) return null;
        return int.TryParse(File.ReadAllText(portFile).Trim(), out var p) ? p : null;
    }

    /// <summary>
    /// A port no one listens on, for a listener that binds it a moment later (often in another process). It is taken below the
    /// kernel's ephemeral range: outgoing connections get their local ports from that range, so a port the kernel hands out there
    /// can be some client's by the time the listener binds it (seen in CI: a silo's Kestrel refused with "address already in use").
    /// </summary>
    public static int FreePort()
    {
        var below = EphemeralLow();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(Math.Max(1024, below - 20_000), below);
            if (NoOneListensOn(port)) return port;
        }
        using var l = new TcpListener(IPAddress.Loopback, 0); // a crowded machine: the kernel's choice is still better than none
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    static int EphemeralLow()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        var low = File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], out var l) ? l : 32768;
        return Math.Max(low, 2048);
    }

    static bool NoOneListensOn(int port)
    {
        try
        {
            using var any = new TcpListener(IPAddress.Any, port);
            any.Start();
            return true;
        }
        catch (SocketException) { return false; }
    }

    static string FindBinaries()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
                     .Concat(["/usr/lib/postgresql/15/bin", "/usr/local/pgsql/bin"]))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "initdb")))
                return dir;
        }
        throw new InvalidOperationException(
            "PostgreSQL 15 server binaries (initdb, pg_ctl) were not found. Install them (apt-get install postgresql-15) " +
            "or configure ConnectionStrings:Postgres.");
    }

    /// <summary>The server runs as the postgres OS user: every folder above its own must let others pass.</summary>
    static void RequireReachableByOthers(string root)
    {
        if (OperatingSystem.IsWindows()) return;
        for (var dir = Directory.GetParent(root); dir is not null; dir = dir.Parent)
        {
            if ((File.GetUnixFileMode(dir.FullName) & UnixFileMode.OtherExecute) == 0)
                throw new InvalidOperationException(
                    $"The postgres OS user cannot reach {root}: {dir.FullName} is not searchable by others (chmod o+x it, or choose another SceneFinance:DataPath).");
        }
    }

    void GiveToPostgresUser(string path)
    {
        if (!_asPostgresUser) return;
        Process.Start("chown", ["-R", "postgres:postgres", path])!.WaitForExit();
    }

    int Run(string tool, string arguments, bool throwOnError = true)
    {
        var exe = Path.Combine(_bin, tool);
        var psi = _asPostgresUser
            ? new ProcessStartInfo("runuser", $"-u postgres -- \"{exe}\" {arguments}")
            : new ProcessStartInfo(exe, arguments);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.WorkingDirectory = "/";
        using var p = Process.Start(psi)!;
        // pg_ctl start leaves the server holding our pipes open: read asynchronously, don't wait for EOF.
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0 && throwOnError)
        {
            var err = stderr.Wait(TimeSpan.FromSeconds(2)) ? stderr.Result : "";
            var log = Path.Combine(_root, "postgres.log");
            var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "";
            throw new InvalidOperationException($"{tool} {arguments} failed ({p.ExitCode}): {err}\n{tail}");
        }
        return p.ExitCode;
    }
}
