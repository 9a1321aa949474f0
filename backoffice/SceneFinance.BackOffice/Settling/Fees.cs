namespace SceneFinance.BackOffice.Settling;

/// <summary>
/// What the bank charges a party for settling: <see cref="BasisPoints"/> (1 bp = 0.01 %) of the gross payments, optionally at
/// least <see cref="MinPerTransaction"/> fen on each payment, or at least <see cref="MinPerSettlement"/> fen on a day with payments.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record FeeSchedule(
    [property: Id(0)] int BasisPoints,
    [property: Id(1)] long? MinPerTransaction = null,
    [property: Id(2)] long? MinPerSettlement = null)
{
    public static readonly FeeSchedule None = new(0);
    public const int MaxBasisPoints = 10_000;
}

/// <summary>
/// Fees in whole fen. The rule: a rate is rounded half up to the fen (0.5 fen becomes 1 fen; 0.49 fen is 0), on the day's gross
/// as one amount, or, when a per-transaction minimum is set, on each payment on its own before the minimum raises it; a
/// per-settlement minimum then raises the day's total on a day with at least one payment. Refunds and voids do not give fees back.
/// Integer arithmetic only: gross up to 10^14 fen a day times 10,000 bp stays inside a long.
/// </summary>
public static class Fees
{
    /// <summary><paramref name="fen"/> × <paramref name="basisPoints"/> / 10,000, rounded half up.</summary>
    public static long Rate(long fen, int basisPoints) => (fen * basisPoints + 5_000) / 10_000;

    public static long For(FeeSchedule schedule, IReadOnlyCollection<long> payments)
    {
        if (payments.Count == 0) return 0;
        var fee = schedule.MinPerTransaction is { } perPayment
            ? payments.Sum(amount => Math.Max(perPayment, Rate(amount, schedule.BasisPoints)))
            : Rate(payments.Sum(), schedule.BasisPoints);
        return schedule.MinPerSettlement is { } perDay ? Math.Max(fee, perDay) : fee;
    }
}
