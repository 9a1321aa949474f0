using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SceneFinance.Platform.Operations;

/// <summary>
/// The product's own instruments (meter <c>SceneFinance</c>), exported with the runtime's, ASP.NET Core's, Npgsql's and Orleans'
/// at <c>/metrics</c>. Each silo counts what it did itself, so a cluster's figure is the sum over its silos. Tags carry ids and
/// kinds only, never personal data.
/// </summary>
public static class SceneMeters
{
    public const string Name = "SceneFinance";
    static readonly Meter Meter = new(Name);
    static readonly double[] LatencyBuckets = [0.001, 0.002, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12];

    static readonly Counter<long> Approved = Meter.CreateCounter<long>("scenefinance.payments.approved", "{payment}", "Card payments approved and committed");
    static readonly Counter<long> Declined = Meter.CreateCounter<long>("scenefinance.payments.declined", "{payment}", "Card payments declined (and the decline stored)");
    static readonly Histogram<double> PaymentDuration = Meter.CreateHistogram("scenefinance.payment.duration", "s",
        "From the request's arrival to the committed decision", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
    static readonly Histogram<int> BatchSize = Meter.CreateHistogram("scenefinance.commit.batch_size", "{unit}",
        "Units (payments, top-ups...) per group commit transaction", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] });
    static readonly Histogram<double> CommitDuration = Meter.CreateHistogram("scenefinance.commit.duration", "s",
        "One group commit transaction, from taking the batch to PostgreSQL's answer", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
    static readonly UpDownCounter<int> QueueDepth = Meter.CreateUpDownCounter<int>("scenefinance.commit.queue_depth", "{unit}",
        "Units waiting for a group commit writer");

    /// <summary>A card payment decided and committed; <paramref name="scene"/> is the tenant's kind and the terminal's (<c>canteen/pos</c>).</summary>
    public static void Payment(string tenantId, string scene, bool approved, DateTimeOffset arrivedAt, DateTimeOffset decidedAt)
    {
        var tags = new TagList { { "tenant", tenantId }, { "scene", scene } };
        (approved ? Approved : Declined).Add(1, tags);
        PaymentDuration.Record(Math.Max(0, (decidedAt - arrivedAt).TotalSeconds), tags);
    }

    public static void Committed(int units, TimeSpan took)
    {
        BatchSize.Record(units);
        CommitDuration.Record(took.TotalSeconds);
    }

    /// <summary>Units queued (positive) or taken by a writer (negative).</summary>
    public static void Queued(int units) => QueueDepth.Add(units);
}
