namespace SceneFinance.Platform.Outcomes;

/// <summary>
/// What a grain answers: the value asked for, or a <see cref="Refusal"/>. Grains never speak HTTP; the route maps this
/// to a status code (<see cref="Http.OutcomeResults"/>) and a page to a message.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Outcome<T>([property: Id(0)] T? Value, [property: Id(1)] Refusal? Refusal)
{
    public bool Refused => Refusal is not null;

    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(Refusal refusal) => new(default, refusal);

    public Outcome<TOther> Map<TOther>(Func<T, TOther> map) => Refusal is { } r ? r : map(Value!);

    public async Task<Outcome<TOther>> Then<TOther>(Func<T, Task<Outcome<TOther>>> next) => Refusal is { } r ? r : await next(Value!);

}
