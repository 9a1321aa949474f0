using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Grains.Merchants;

/// <summary>One merchant: its stream through the single writer, its listing following every change.</summary>
public sealed class MerchantGrain(StreamWriters writers) : Grain, IMerchantGrain
{
    Orleans.Runtime.IGrainTimer? _forget; // a made-up id leaves memory a little later (UnknownIds)
    StreamWriter<Merchant> _merchant = null!;

    public override Task OnActivateAsync(CancellationToken ct)
    {
        var (tenantId, id) = GrainKeys.Parse(this.GetPrimaryKeyString());
        _merchant = writers.For<Merchant>(tenantId, "merchant-" + id, Merchant.Fold, Refusal.NotFound("The merchant"), (next, d) => d.Upsert(next.Listing()));
        return _merchant.Load(ct);
    }

    string Id => GrainKeys.Parse(this.GetPrimaryKeyString()).Id;

    Task<Outcome<MerchantView>> IMerchantGrain.Open(string name, string category, DateTimeOffset now) =>
        _merchant.Start(s => MerchantDecisions.Open(s, Id, name, category, now), (next, _) => next.View());

    Task<MerchantView?> IMerchantGrain.Get()
    {
        if (_merchant.State is null) _forget = this.ForgetLater(_forget, () => _merchant.State is null); // a made-up id does not stay in memory
        return Task.FromResult(_merchant.State?.View());
    }

    Task<Outcome<MerchantView>> IMerchantGrain.Rename(string name, DateTimeOffset now) =>
        _merchant.Write(s => MerchantDecisions.Rename(s, name, now), next => next.View());

    Task<Outcome<MerchantView>> IMerchantGrain.Close(DateTimeOffset now) =>
        _merchant.Write(s => MerchantDecisions.Close(s, now), next => next.View());
}
