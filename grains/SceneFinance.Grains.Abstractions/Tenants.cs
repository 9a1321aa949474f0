using Orleans.Concurrency;
using SceneFinance.Platform.Outcomes;

namespace SceneFinance.Grains;

[GenerateSerializer, Immutable]
public sealed record TenantView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Kind,
    [property: Id(3)] string Status,
    [property: Id(4)] string TimeZone,
    [property: Id(5)] string Mode = "sandbox");

/// <summary>What a payment needs to know about its tenant, answered from memory.</summary>
[GenerateSerializer, Immutable]
public sealed record TenantPaymentPolicy(
    [property: Id(0)] bool Active,
    [property: Id(1)] string TimeZone,
    [property: Id(2)] long SinglePaymentCap,
    [property: Id(3)] bool Live = false);

/// <summary>A tenant (school, hospital, canteen operator). Key: the tenant id.</summary>
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the tenant in <paramref name="timeZone"/> (an IANA id; the platform's default when null) and <paramref name="mode"/>
    /// (<c>sandbox</c> when null); refused with <c>conflict</c> if it exists.
    /// </summary>
    Task<Outcome<TenantView>> Create(string name, string kind, DateTimeOffset now, string? timeZone = null, string? mode = null);

    /// <summary>The tenant, or null when there is none.</summary>
    [ReadOnly] Task<TenantView?> Get();

    /// <summary>Declines every payment of the tenant with <c>tenant_suspended</c> from now on.</summary>
    Task<Outcome<TenantView>> Suspend(DateTimeOffset now);

    Task<Outcome<TenantView>> Resume(DateTimeOffset now);

    /// <summary>Status, time zone and risk cap; null when the tenant does not exist.</summary>
    [ReadOnly] Task<TenantPaymentPolicy?> GetPaymentPolicy();

    /// <summary>The tenant's single-payment cap in fen (0: none): card payments above it are declined <c>risk_rejected</c>.</summary>
    Task<Outcome<TenantPaymentPolicy>> SetSinglePaymentCap(long cap, DateTimeOffset now);
}

public static class TenantLookup
{
    /// <summary>The tenant, or <c>not_found</c>.</summary>
    public static async Task<Outcome<TenantView>> FindTenant(this IGrainFactory grains, string tenantId) =>
        await grains.GetGrain<ITenantGrain>(tenantId).Get() is { } tenant ? tenant : Refusal.NotFound("The tenant");
}
