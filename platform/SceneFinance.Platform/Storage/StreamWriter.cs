using Marten;
using SceneFinance.Platform.Audit;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Outcomes;

namespace SceneFinance.Platform.Storage;

/// <summary>
/// The one way a grain writes its event stream (STYLE.md 4 and 12). It holds the state the stream makes, rebuilt on
/// activation; a write lets a pure decider decide on that state, then commits the events with the expected version, the
/// documents that follow and the outcome under its idempotency ticket in one transaction through <see cref="GroupCommit"/>,
/// and answers only after that commit.
/// <list type="bullet">
/// <item>Another activation wrote meanwhile (version conflict): rebuild and decide again, up to <see cref="MaxAttempts"/>,
/// waiting a little longer (with jitter) each time so that two busy activations do not keep overtaking each other.</item>
/// <item>The ticket was answered before: its stored outcome is replayed, also when deciding now would refuse
/// (the card was frozen since): a repeated request always gets its first answer.</item>
/// <item>A refusal writes nothing.</item>
/// </list>
/// </summary>
public sealed class StreamWriter<TState> where TState : class
{
    public const int MaxAttempts = 20;

    readonly IDocumentStore _store;
    readonly GroupCommit _commits;
    readonly Func<TState?, object, TState?> _fold;
    readonly Func<TState, Decided, Decided>? _follow;
    readonly Refusal _missing;

    /// <param name="fold">Applies one event to the state (null before the first).</param>
    /// <param name="follow">Adds what follows from a decision with events, given the state after it: listings, journal lines.</param>
    /// <param name="missing">The answer to a command on a stream that does not exist (usually <c>not_found</c>).</param>
    public StreamWriter(IDocumentStore store, GroupCommit commits, string tenantId, string streamKey,
        Func<TState?, object, TState?> fold, Refusal missing, Func<TState, Decided, Decided>? follow = null)
    {
        (_store, _commits, TenantId, StreamKey, _fold, _missing, _follow) = (store, commits, tenantId, streamKey, fold, missing, follow);
    }

    public string TenantId { get; }
    public string StreamKey { get; }
    public TState? State { get; private set; }
    public long Version { get; private set; }

    public async Task Load(CancellationToken ct = default) =>
        (State, Version) = await Streams.Load(_store, TenantId, StreamKey, _fold, ct);

    /// <summary>The state after these events (for answers and documents built from where a decision leads).</summary>
    public TState? Next(TState? state, IEnumerable<object> events) => events.Aggregate(state, _fold);

    /// <summary>A command on an existing stream; <paramref name="answer"/> reads the state after the decision.</summary>
    public Task<Outcome<T>> Write<T>(Func<TState, Decided> decide, Func<TState, T> answer, IdempotencyTicket? ticket = null, DateTimeOffset now = default) =>
        Write(decide, (next, _) => answer(next), ticket, now);

    /// <summary>A command on an existing stream; <paramref name="answer"/> reads the state after it and the decision itself.</summary>
    public Task<Outcome<T>> Write<T>(Func<TState, Decided> decide, Func<TState, Decided, T> answer, IdempotencyTicket? ticket = null, DateTimeOffset now = default) =>
        Run(state => state is null ? _missing : decide(state), (next, d) => answer(next!, d), ticket, now);

    /// <summary>A command that may start the stream (the decider sees null when there is none).</summary>
    public Task<Outcome<T>> Start<T>(Func<TState?, Decided> decide, Func<TState, Decided, T> answer, IdempotencyTicket? ticket = null, DateTimeOffset now = default) =>
        Run(decide, (next, d) => answer(next ?? throw new InvalidOperationException($"Stream {StreamKey}: nothing was started."), d), ticket, now);

    async Task<Outcome<T>> Run<T>(Func<TState?, Decided> decide, Func<TState?, Decided, T> answer, IdempotencyTicket? ticket, DateTimeOffset now)
    {
        for (var attempt = 1; ; attempt++)
        {
            var decided = decide(State);
            if (decided.Refusal is { } refusal)
                return ticket is null ? refusal : await StoredOutcomes.Find<T>(_store, TenantId, ticket) ?? refusal;

            var next = decided.Events.Count == 0 ? State : Next(State, decided.Events);
            if (decided.Events.Count > 0 && _follow is not null) decided = _follow(next!, decided);
            var outcome = answer(next, decided);

            var inserts = new List<object>(decided.Inserts.Count + decided.Claims.Count + 1);
            inserts.AddRange(decided.Inserts);
            foreach (var claim in decided.Claims) inserts.Add(claim.Document);
            if (ticket is not null) inserts.Add(StoredOutcomes.Record(ticket, outcome, now));
            // Someone acting (a person through the edge, a job): who decided goes into the same commit as what they decided.
            if (decided.Events.Count > 0 && AuditActor.Current is { } actor)
                inserts.Add(AuditTrail.ForDecision(actor, TenantId, StreamKey, decided.Events, State, next));
            if (decided.Events.Count == 0 && inserts.Count == 0 && decided.Upserts.Count == 0) return outcome;

            var result = await _commits.Commit(new CommitUnit(TenantId, StreamKey, Version + decided.Events.Count, decided.Events, inserts, decided.Upserts));
            if (result.Status == CommitStatus.Committed)
            {
                (State, Version) = (next, Version + decided.Events.Count);
                return outcome;
            }
            if (ticket is not null && result.Duplicated(typeof(IdempotentResponse)))
            {
                await Load(); // answered before (maybe by another activation): what is stored is the truth
                return await StoredOutcomes.Find<T>(_store, TenantId, ticket)
                       ?? throw new InvalidOperationException($"Stream {StreamKey}: a duplicate ticket has no stored outcome.");
            }
            if (decided.Claims.FirstOrDefault(c => result.Duplicated(c.Document.GetType())) is { } taken)
            {
                await Load();
                return taken.IfTaken;
            }
            if (attempt >= MaxAttempts) return Refusal.ChangedMeanwhile;
            if (attempt > 1) await Task.Delay(Random.Shared.Next(1, 2 << Math.Min(attempt, 7)));
            await Load(); // another activation wrote meanwhile: decide again on what is really there
        }
    }
}

/// <summary>Makes <see cref="StreamWriter{TState}"/>s for grains (one per activation).</summary>
public sealed class StreamWriters(IDocumentStore store, GroupCommit commits)
{
    public StreamWriter<TState> For<TState>(string tenantId, string streamKey, Func<TState?, object, TState?> fold, Refusal missing,
        Func<TState, Decided, Decided>? follow = null) where TState : class =>
        new(store, commits, tenantId, streamKey, fold, missing, follow);

    /// <summary>An outcome that moves nothing but must be answered the same way again (a tap on a card nobody holds).</summary>
    public Task<Outcome<T>> Answer<T>(string tenantId, IdempotencyTicket ticket, T outcome, DateTimeOffset now) => Answer(tenantId, ticket, outcome, now, []);

    /// <summary>
    /// The same, for a request that records documents but no stream (an HIS report entry): they are inserted in the commit that
    /// stores the answer, so the same request again replays it and a different one under the key is <c>idempotency_conflict</c>.
    /// </summary>
    public async Task<Outcome<T>> Answer<T>(string tenantId, IdempotencyTicket ticket, T outcome, DateTimeOffset now, IReadOnlyList<object> inserts)
    {
        var result = await commits.Commit(new CommitUnit(tenantId, null, 0, [], [.. inserts, StoredOutcomes.Record(ticket, outcome, now)]));
        return result.Status == CommitStatus.Committed ? outcome
            : await StoredOutcomes.Find<T>(store, tenantId, ticket) ?? throw new InvalidOperationException("A duplicate ticket has no stored outcome.");
    }
}

/// <summary>
/// What a pure decider says about a command: the events to append (none: nothing to record), documents that follow from
/// them, or a <see cref="Refusal"/> (nothing is written). A decider returns it; <see cref="StreamWriter{TState}"/> commits it.
/// </summary>
public sealed record Decided
{
    public IReadOnlyList<object> Events { get; init; } = [];

    /// <summary>Inserted once; an id that exists already means another writer got there first: decide again on fresh state.</summary>
    public IReadOnlyList<object> Inserts { get; init; } = [];

    /// <summary>Inserted once; an id that exists already refuses the command with the claim's refusal (a card number taken).</summary>
    public IReadOnlyList<Claim> Claims { get; init; } = [];

    /// <summary>Stored whatever was there (listings, indexes).</summary>
    public IReadOnlyList<object> Upserts { get; init; } = [];

    public Refusal? Refusal { get; init; }

    public static Decided Nothing { get; } = new();

    /// <summary>These events (nulls are left out: a decider's "nothing to record").</summary>
    public static Decided To(params object?[] events) => new() { Events = [.. events.OfType<object>()] };

    public static implicit operator Decided(Refusal refusal) => new() { Refusal = refusal };

    public Decided Insert(params IEnumerable<object> documents) => this with { Inserts = [.. Inserts, .. documents] };

    public Decided Claim(object document, Refusal ifTaken) => this with { Claims = [.. Claims, new Claim(document, ifTaken)] };

    public Decided Upsert(params IEnumerable<object> documents) => this with { Upserts = [.. Upserts, .. documents] };

    public bool Refused => Refusal is not null;

    /// <summary>The first event of a type, for answers built from what was decided (a payment's approval or decline).</summary>
    public T? Event<T>() where T : class => Events.OfType<T>().FirstOrDefault();
}

/// <summary>A document that may exist only once, and the refusal when it does already.</summary>
public sealed record Claim(object Document, Refusal IfTaken);
