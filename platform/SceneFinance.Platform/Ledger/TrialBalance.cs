using Marten;
using Npgsql;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;
using SceneFinance.Platform.Http;
using SceneFinance.Platform.Security;

namespace SceneFinance.Platform.Ledger;

public sealed record TrialBalanceLine(string Account, long Debit, long Credit, long Balance);
public sealed record TrialBalance(IReadOnlyList<TrialBalanceLine> Accounts, long TotalDebit, long TotalCredit);

/// <summary>What events of one type posted to one account, in fen.</summary>
public sealed record AccountMovement(string EventType, long Debit, long Credit);

public static class TrialBalanceEndpoint
{
    public static IEndpointRouteBuilder MapTrialBalance(this IEndpointRouteBuilder api)
    {
        api.MapGet("/tenants/{tenantId}/ledger/trial-balance", async (string tenantId, HttpContext http, IDocumentStore store) =>
            {
                http.RequireTenantAccess(tenantId, Roles.TenantReaders);
                return TypedResults.Ok(await Read(store, tenantId));
            })
            .WithTags("Ledger")
            .Doc("getTrialBalance", "The tenant's trial balance: debit, credit and balance per account",
                "Sums the postings of every committed movement per account (cardholder:{id}:cash|subsidy, merchant-receivable:{merchantId}, "
                + "clearing:{channel}...), in fen; totalDebit always equals totalCredit (double entry).");
        return api;
    }

    /// <summary>Sums the postings of every journalled event per account (<see cref="IJournalled"/>). The session is
    /// opened for the tenant, and the raw SQL filters on the session's own tenant id (Marten's conjoined
    /// column): raw SQL gets no tenant filter by itself.</summary>
    public static async Task<TrialBalance> Read(IDocumentStore store, string tenantId)
    {
        await using var session = store.QuerySession(tenantId);
        await using var command = new NpgsqlCommand(
            $"""
             select p->>'account', sum((p->>'debit')::bigint)::bigint, sum((p->>'credit')::bigint)::bigint
             from {store.Options.Events.DatabaseSchemaName}.mt_events e, jsonb_array_elements(e.data->'postings') p
             where e.tenant_id = $1
             group by 1 order by 1
             """, session.Connection);
        command.Parameters.AddWithValue(session.TenantId);
        var lines = new List<TrialBalanceLine>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var (debit, credit) = (reader.GetInt64(1), reader.GetInt64(2));
                lines.Add(new TrialBalanceLine(reader.GetString(0), debit, credit, debit - credit));
            }
        }
        return new TrialBalance(lines, lines.Sum(l => l.Debit), lines.Sum(l => l.Credit));
    }

    /// <summary>
    /// One account's postings summed per event type (a cash drawer: its float, what payments brought, what refunds took), from
    /// the same committed events as the trial balance. Raw SQL filtered on the session's tenant, like <see cref="Read"/>.
    /// </summary>
    public static async Task<IReadOnlyList<AccountMovement>> Movements(IDocumentStore store, string tenantId, string account)
    {
        await using var session = store.QuerySession(tenantId);
        await using var command = new NpgsqlCommand(
            $"""
             select e.type, sum((p->>'debit')::bigint)::bigint, sum((p->>'credit')::bigint)::bigint
             from {store.Options.Events.DatabaseSchemaName}.mt_events e, jsonb_array_elements(e.data->'postings') p
             where e.tenant_id = $1 and e.data->'postings' @> jsonb_build_array(jsonb_build_object('account', $2::text)) and p->>'account' = $2
             group by 1 order by 1
             """, session.Connection);
        command.Parameters.AddWithValue(session.TenantId);
        command.Parameters.AddWithValue(account);
        var movements = new List<AccountMovement>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            movements.Add(new AccountMovement(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        return movements;
    }
}
