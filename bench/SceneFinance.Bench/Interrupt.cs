using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace SceneFinance.Bench;

/// <summary>
/// Ctrl+C or SIGTERM stops what the bench started (the product's host, pgbench, PostgreSQL), newest first, and then the bench:
/// the runtime's default would end this process alone and leave them running.
/// </summary>
public static class Interrupt
{
    static readonly ConcurrentDictionary<long, (string What, Action Stop)> Running = new();
    static long _next;
    static PosixSignalRegistration[] _signals = [];

    static volatile bool _stopping;

    public static void Arm()
    {
        _signals =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop),
        ];
        // Stopping the host makes the phase that waits for it fail ("the host exited"): that failure must not end the process
        // before the clean-up has stopped PostgreSQL too. The failing thread waits; the clean-up exits the process.
        AppDomain.CurrentDomain.UnhandledException += (_, _) =>
        {
            if (_stopping) Thread.Sleep(Timeout.Infinite);
        };
    }

    /// <summary>Remembers how to stop something until the returned handle is disposed (it stopped the normal way).</summary>
    public static IDisposable OnSignal(string what, Action stop)
    {
        var id = Interlocked.Increment(ref _next);
        Running[id] = (what, stop);
        return new Forget(id);
    }

    static void Stop(PosixSignalContext signal)
    {
        signal.Cancel = true; // we exit ourselves, after the clean-up
        _stopping = true;
        Console.Error.WriteLine($"\nbench: {signal.Signal}: stopping what it started");
        foreach (var (id, (what, stop)) in Running.OrderByDescending(r => r.Key))
        {
            try { stop(); Console.Error.WriteLine($"  stopped {what}"); }
            catch (Exception e) { Console.Error.WriteLine($"  could not stop {what}: {e.Message}"); }
            Running.TryRemove(id, out _);
        }
        GC.KeepAlive(_signals);
        Environment.Exit(signal.Signal == PosixSignal.SIGINT ? 130 : 143);
    }

    sealed class Forget(long id) : IDisposable
    {
        public void Dispose() => Running.TryRemove(id, out _);
    }
}
