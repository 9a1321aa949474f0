using System.Security.Claims;
using Marten;
using MiniExcelLibs;
using SceneFinance.Grains;
using SceneFinance.Platform.Audit;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Risk;

public sealed record RiskListEntryRequest(string? List, string? Subject, string? Value, string? Note);

/// <summary>A list entry as people see it: never the card or ID number, only its last 4 (or the holder's or terminal's id).</summary>
public sealed record RiskListItem(string Id, string List, string Subject, string Label, string? Note, string Source, string AddedBy, DateTimeOffset AddedAt);

public sealed record RiskListPage(IReadOnlyList<RiskListItem> Items, long Total);

/// <summary>A row of an imported file that was not added, and why (row 2 is the first under the header).</summary>
public sealed record RiskImportRowError(int Row, string Field, string Message);

public sealed record RiskListImportResult(int Added, int Unchanged, IReadOnlyList<RiskImportRowError> Errors);

/// <summary>
/// The lists' slice functions (API routes and shell pages alike). A tenant's lists are its own (tenant-admin and finance
/// change them, readers read); the platform's lists (<see cref="RiskOwners.Platform"/>) apply to every tenant and only the
/// platform administrator changes or reads them. Every change stamps the owner's lists: each silo's risk book reloads.
/// </summary>
public static class RiskLists
{
    public const int MaxImportRows = 50_000;

    static void Check(ClaimsPrincipal user, string owner, bool change)
    {
        if (owner == RiskOwners.Platform) user.RequirePlatformAdmin();
        else user.RequireTenantAccess(owner, change ? RiskAccess.Editors : Roles.TenantReaders);
    }

    public static async Task<RiskListPage> Page(ClaimsPrincipal user, IDocumentStore store, string owner, string? list, string? subject, int page, int size)
    {
        Check(user, owner, change: false);
        await using var session = store.QuerySession(owner);
        var query = session.Query<RiskListEntry>().Where(e => (list == null || e.List == list) && (subject == null || e.Subject == subject));
        var total = await query.CountAsync();
        var rows = await query.OrderByDescending(e => e.AddedAt).Skip(Math.Max(0, page) * size).Take(Math.Clamp(size, 1, 500)).ToListAsync();
        return new RiskListPage([.. rows.Select(Item)], total);
    }

    public static async Task<IReadOnlyList<RiskListItem>> All(ClaimsPrincipal user, IDocumentStore store, string owner, string? list)
    {
        Check(user, owner, change: false);
        await using var session = store.QuerySession(owner);
        return [.. (await session.Query<RiskListEntry>().Where(e => list == null || e.List == list).OrderByDescending(e => e.AddedAt).ToListAsync()).Select(Item)];
    }

    public static async Task<RiskListItem> Add(ClaimsPrincipal user, IDocumentStore store, IRiskBook book, string owner, RiskListEntryRequest body, DateTimeOffset now)
    {
        Check(user, owner, change: true);
        var errors = new List<(string Field, string Message)>();
        var entry = Entry(body, user.Identity?.Name ?? "anonymous", "manual", now, errors);
        if (entry is null) throw ProblemException.Invalid(errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));
        await using (var session = store.LightweightSession(owner))
        {
            session.Store(entry);
            session.Audit(owner, "risk-list.added", entry.Id, null, Item(entry));
            await session.SaveChangesAsync();
        }
        await book.Changed(owner);
        return Item(entry);
    }

    public static async Task Remove(ClaimsPrincipal user, IDocumentStore store, IRiskBook book, string owner, string entryId)
    {
        Check(user, owner, change: true);
        await using (var session = store.LightweightSession(owner))
        {
            if (await session.LoadAsync<RiskListEntry>(entryId) is not { } existing) throw ProblemException.NotFound("The list entry");
            session.Delete<RiskListEntry>(entryId);
            session.Audit(owner, "risk-list.removed", entryId, Item(existing), null);
            await session.SaveChangesAsync();
        }
        await book.Changed(owner);
    }

    /// <summary>
    /// An .xlsx or .csv with the columns list, subject, value and note (or 名单, 对象, 值, 备注). Good rows are added, the
    /// others come back with their row number and why; card and ID numbers must be text cells (a number cell has lost digits).
    /// </summary>
    public static async Task<RiskListImportResult> Import(ClaimsPrincipal user, IDocumentStore store, IRiskBook book, string owner, byte[] content, DateTimeOffset now)
    {
        Check(user, owner, change: true);
        var by = user.Identity?.Name ?? "anonymous";
        var errors = new List<RiskImportRowError>();
        var entries = new Dictionary<string, RiskListEntry>();
        using var stream = new MemoryStream(content);
        var type = content.Length > 4 && content[0] == (byte)'P' && content[1] == (byte)'K' ? ExcelType.XLSX : ExcelType.CSV;
        var row = 1;
        foreach (IDictionary<string, object?> raw in MiniExcel.Query(stream, useHeaderRow: true, excelType: type))
        {
            row++;
            if (raw.Values.All(v => v is null || v is string s && string.IsNullOrWhiteSpace(s))) continue;
            if (row - 1 > MaxImportRows)
            {
                errors.Add(new RiskImportRowError(row, "file", $"The file has more than {MaxImportRows} rows; split it."));
                break;
            }
            var cells = raw.Where(kv => Columns.ContainsKey(kv.Key.Trim())).ToDictionary(kv => Columns[kv.Key.Trim()], kv => kv.Value);
            var rowErrors = new List<(string Field, string Message)>();
            if (cells.GetValueOrDefault("value") is not (string or null)) rowErrors.Add(("value", "value must be a text cell (a number cell loses digits)."));
            var entry = rowErrors.Count > 0 ? null : Entry(new RiskListEntryRequest(Text(cells, "list"), Text(cells, "subject"), Text(cells, "value"), Text(cells, "note")),
                by, "import", now, rowErrors);
            if (entry is null) errors.AddRange(rowErrors.Select(e => new RiskImportRowError(row, e.Field, e.Message)));
            else entries[entry.Id] = entry;
        }
        if (row == 1) errors.Add(new RiskImportRowError(1, "file", "The file has no rows under its header."));
        int added = 0, unchanged = 0;
        await using (var session = store.LightweightSession(owner))
        {
            var known = (await session.LoadManyAsync<RiskListEntry>(entries.Keys)).Select(e => e.Id).ToHashSet();
            foreach (var entry in entries.Values.Where(e => !known.Contains(e.Id))) session.Store(entry);
            (added, unchanged) = (entries.Count - known.Count, known.Count);
            await session.SaveChangesAsync();
        }
        if (added > 0) await book.Changed(owner);
        return new RiskListImportResult(added, unchanged, errors);
    }

    static readonly Dictionary<string, string> Columns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["list"] = "list", ["名单"] = "list", ["subject"] = "subject", ["对象"] = "subject",
        ["value"] = "value", ["值"] = "value", ["卡号/证件号/编号"] = "value", ["note"] = "note", ["备注"] = "note",
    };

    static string? Text(Dictionary<string, object?> cells, string column) => cells.GetValueOrDefault(column)?.ToString()?.Trim();

    /// <summary>The entry a request names (digests instead of numbers), or null with the reasons in <paramref name="errors"/>.</summary>
    static RiskListEntry? Entry(RiskListEntryRequest body, string by, string source, DateTimeOffset now, List<(string, string)> errors)
    {
        if (!RiskListKinds.All.Contains(body.List)) errors.Add(("list", "list must be black, allow or watch."));
        if (!RiskListSubjects.All.Contains(body.Subject)) errors.Add(("subject", "subject must be card, holder, terminal or idNumber."));
        var value = body.Subject == RiskListSubjects.IdNumber
            ? new string([.. (body.Value ?? "").Where(c => !char.IsWhiteSpace(c))]).ToUpperInvariant()
            : body.Value?.Trim() ?? "";
        var valid = body.Subject switch
        {
            RiskListSubjects.Card => value is { Length: >= 4 and <= 32 } && value.All(char.IsAsciiLetterOrDigit),
            RiskListSubjects.IdNumber => value is { Length: >= 6 and <= 32 } && value.All(char.IsAsciiLetterOrDigit),
            _ => value is { Length: >= 3 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'),
        };
        if (!valid) errors.Add(("value", "value must be a card number (4 to 32 letters or digits), an ID number, or a holder's or terminal's id."));
        if ((body.Note?.Length ?? 0) > 200) errors.Add(("note", "note must be at most 200 characters."));
        if (errors.Count > 0) return null;
        var key = body.Subject switch
        {
            RiskListSubjects.Card => CardKeys.Of(value),
            RiskListSubjects.IdNumber => Digests.OfIdNumber(value)!,
            _ => value,
        };
        // As lists show them everywhere: a card by its last 4, an ID number masked but for its last 4.
        var label = body.Subject switch { RiskListSubjects.Card => "****" + value[^4..], RiskListSubjects.IdNumber => Masking.KeepLast4(value)!, _ => value };
        return new RiskListEntry
        {
            Id = RiskListEntry.IdOf(body.List!, body.Subject!, key), List = body.List!, Subject = body.Subject!, Key = key, Label = label,
            TillKey = body.Subject == RiskListSubjects.Card ? CardKeys.ForTill(value) : null,
            Note = string.IsNullOrWhiteSpace(body.Note) ? null : body.Note.Trim(), Source = source, AddedBy = by, AddedAt = now,
        };
    }

    static RiskListItem Item(RiskListEntry e) => new(e.Id, e.List, e.Subject, e.Label, e.Note, e.Source, e.AddedBy, e.AddedAt);
}

/// <summary>Who may do what in risk: tenant-admin and finance change lists, rules and cases; every reader reads.</summary>
public static class RiskAccess
{
    public static readonly string[] Editors = [Roles.TenantAdmin, Roles.Finance];
}
