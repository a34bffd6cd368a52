using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Threadwork.Locks;

/// <summary>
/// An opt-in lock-order validator, like Linux's lockdep: it records, for every <see cref="OrderedLock"/>,
/// which locks were held when it was taken, across all threads, and reports a cycle of any length
/// (A→B here and B→A there, or A→B→C→A) the first time it becomes possible, before any thread deadlocks.
/// </summary>
/// <remarks>
/// <para>Off by default; on when the process starts with the environment variable <c>THREADWORK_LOCKDEP=1</c>,
/// or when <see cref="IsEnabled"/> is set.</para>
/// <para>Modes. Off: acquisitions cost little more than a plain <see cref="Lock"/>; only
/// <see cref="OrderedLock.AcquireAll(ReadOnlySpan{OrderedLock})"/>'s rank check applies. On, with
/// <see cref="Policy"/> <see cref="LockOrderViolationPolicy.Throw"/> (the default): the acquisition that
/// completes a cycle throws <see cref="PotentialDeadlockException"/> before it waits. On, with
/// <see cref="LockOrderViolationPolicy.Report"/>: the cycle goes to <see cref="Reporter"/> and the
/// acquisition goes on. Either way each new order is recorded once, with the thread and stack trace
/// that first showed it, so a cycle is reported once, when its last edge first appears.</para>
/// <para>Long waits: while it is on, a thread that waits for a lock longer than <see cref="LongWaitLimit"/>
/// is reported to <see cref="Reporter"/> (never thrown), naming the thread that holds the lock; the wait
/// goes on. Holders are tracked only while the validator is on (so that it costs nothing when off): a lock
/// taken before it was switched on is reported without its holder.</para>
/// <para>The validator observes plain <see cref="OrderedLock.Acquire()"/> as well as ordered acquisitions:
/// plain use is where disagreeing orders come from.</para>
/// </remarks>
public static class LockOrderValidator
{
    /// <summary>Serialises changes to the graph of lock orders; reading an edge snapshot needs no lock.</summary>
    private static readonly Lock s_gate = new();

    /// <summary>Whether acquisitions are observed.</summary>
    private static volatile bool s_enabled = Environment.GetEnvironmentVariable("THREADWORK_LOCKDEP") == "1";

    /// <summary>Edges stamped with another generation are forgotten; changed under <see cref="s_gate"/> by <see cref="Reset"/>.</summary>
    private static volatile int s_generation;

    /// <summary>See <see cref="Policy"/>.</summary>
    private static volatile LockOrderViolationPolicy s_policy = LockOrderViolationPolicy.Throw;

    /// <summary>See <see cref="Reporter"/>.</summary>
    private static volatile Action<LockReport> s_reporter = WriteToStandardError;

    /// <summary>See <see cref="LongWaitLimit"/>; ticks, so that it can be read and written atomically.</summary>
    private static long s_longWaitTicks = TimeSpan.FromSeconds(5).Ticks;

    /// <summary>
    /// Whether the validator observes acquisitions. Starts as true when <c>THREADWORK_LOCKDEP=1</c>.
    /// Orders are only recorded while it is on.
    /// </summary>
    public static bool IsEnabled
    {
        get => s_enabled;
        set => s_enabled = value;
    }

    /// <summary>What happens when an acquisition completes a cycle. Defaults to <see cref="LockOrderViolationPolicy.Throw"/>.</summary>
    public static LockOrderViolationPolicy Policy
    {
        get => s_policy;
        set => s_policy = value;
    }

    /// <summary>
    /// Receives every report that is not thrown: cycles under <see cref="LockOrderViolationPolicy.Report"/>, and
    /// long waits. Called on the thread that found it, holding no lock of the validator; it should not take
    /// <see cref="OrderedLock"/>s. Defaults to writing the report to standard error.
    /// </summary>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public static Action<LockReport> Reporter
    {
        get => s_reporter;
        set => s_reporter = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// A wait for one lock longer than this is reported (once per wait). Defaults to 5 seconds;
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns the report off.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public static TimeSpan LongWaitLimit
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref s_longWaitTicks));
        set
        {
            if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The limit must be positive, or Timeout.InfiniteTimeSpan.");
            }

            Interlocked.Exchange(ref s_longWaitTicks, value.Ticks);
        }
    }

    /// <summary>Forgets every recorded order and restores the defaults (off unless THREADWORK_LOCKDEP=1, Throw, standard error, 5 s).</summary>
    internal static void Reset()
    {
        lock (s_gate)
        {
            s_generation++;
        }

        s_enabled = Environment.GetEnvironmentVariable("THREADWORK_LOCKDEP") == "1";
        s_policy = LockOrderViolationPolicy.Throw;
        s_reporter = WriteToStandardError;
        LongWaitLimit = TimeSpan.FromSeconds(5);
    }

    /// <summary>
    /// Records that <paramref name="next"/> is about to be taken while every lock in <paramref name="held"/>
    /// (and <paramref name="alsoHeld"/>, taken just before it, if any) is held, and reports any cycle that closes.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void BeforeAcquire(HeldLocks held, OrderedLock? alsoHeld, OrderedLock next)
    {
        var generation = s_generation;
        for (var i = 0; i < held.Count; i++)
        {
            Observe(held[i], next, generation, held);
        }

        if (alsoHeld is not null)
        {
            Observe(alsoHeld, next, generation, held);
        }
    }

    internal static void ReportLongWait(OrderedLock waitedFor, Thread? holder, TimeSpan waited)
    {
        var waiter = HeldLocks.NameOf(Thread.CurrentThread);
        var holderName = holder is null ? null : HeldLocks.NameOf(holder);
        var message = $"Long wait: thread '{waiter}' has waited {waited.TotalMilliseconds:F0} ms for lock '{waitedFor.Name}', "
            + (holderName is null ? "whose holder is not known (released meanwhile, or taken while the validator was off)." : $"held by thread '{holderName}'.");
        s_reporter(new LockReport(LockReportKind.LongWait, message, [waitedFor.Name], waiter, holderName));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Observe(OrderedLock from, OrderedLock next, int generation, HeldLocks held)
    {
        if (!Knows(from.Edges.In(generation), next))
        {
            AddEdge(from, next, held.ThreadName);
        }
    }

    private static bool Knows(LockEdge[] edges, OrderedLock to)
    {
        foreach (var edge in edges)
        {
            if (ReferenceEquals(edge.To, to))
            {
                return true;
            }
        }

        return false;
    }

    private static void AddEdge(OrderedLock from, OrderedLock to, string threadName)
    {
        // Captured outside the gate: it is slow, and a thread that loses the race to add the edge just drops it.
        // Only the validator's own three frames (never inlined) are skipped: how many OrderedLock frames
        // follow depends on inlining, and skipping more could hide the caller's.
        var trace = new StackTrace(3, fNeedFileInfo: true).ToString();
        List<LockEdge>? cycle;
        lock (s_gate)
        {
            var generation = s_generation;
            if (Knows(from.Edges.In(generation), to))
            {
                return;
            }

            var edge = new LockEdge(from, to, threadName, trace);
            cycle = PathBetween(to, from, generation);
            cycle?.Insert(0, edge);
            from.Edges = from.Edges.With(generation, edge);
        }

        if (cycle is null)
        {
            return;
        }

        var report = CycleReport(cycle, threadName);
        if (s_policy == LockOrderViolationPolicy.Throw)
        {
            throw new PotentialDeadlockException(report);
        }

        s_reporter(report);
    }

    /// <summary>The edges of a path of known orders from <paramref name="start"/> to <paramref name="goal"/>, or null; depth-first.</summary>
    private static List<LockEdge>? PathBetween(OrderedLock start, OrderedLock goal, int generation)
    {
        var visited = new HashSet<OrderedLock>(ReferenceEqualityComparer.Instance) { start };
        var path = new List<LockEdge>();
        return Search(start) ? path : null;

        bool Search(OrderedLock at)
        {
            foreach (var edge in at.Edges.In(generation))
            {
                path.Add(edge);
                if (ReferenceEquals(edge.To, goal) || (visited.Add(edge.To) && Search(edge.To)))
                {
                    return true;
                }

                path.RemoveAt(path.Count - 1);
            }

            return false;
        }
    }

    /// <summary>A report of <paramref name="cycle"/>, whose first edge was just seen: it starts at the lock that edge goes from.</summary>
    private static LockReport CycleReport(List<LockEdge> cycle, string threadName)
    {
        List<string> names = [cycle[0].From.Name, .. cycle.Select(e => e.To.Name)];
        var message = new System.Text.StringBuilder()
            .Append("Potential deadlock: locks are taken in a cycle, ")
            .AppendJoin(" -> ", names.Select(n => $"'{n}'"))
            .Append(". Threads taking them in these orders at the same time can deadlock. Where each order was first seen:")
            .AppendLine();
        foreach (var edge in cycle)
        {
            message.AppendLine(edge.Describe());
        }

        return new LockReport(LockReportKind.PotentialDeadlock, message.ToString().TrimEnd(), names, threadName, null);
    }

    private static void WriteToStandardError(LockReport report) => Console.Error.WriteLine($"threadwork lockdep: {report.Message}");
}
