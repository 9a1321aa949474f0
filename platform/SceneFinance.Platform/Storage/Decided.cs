using SceneFinance.Platform.Outcomes;

namespace SceneFinance.Platform.Storage;

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
