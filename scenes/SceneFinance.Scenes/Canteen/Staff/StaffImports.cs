using System.Security.Claims;
using System.Security.Cryptography;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Campus.ImportingRosters;
using SceneFinance.Scenes.Campus.Reporting;
using SceneFinance.Scenes.Canteen.Subsidies;

namespace SceneFinance.Scenes.Canteen.Staff;

/// <summary>
/// Staff and employee rosters for canteens in enterprise parks and government offices, imported the campus roster's way (its
/// one reader, loop, progress and row-error file, <see cref="RosterImporter"/>): employees become card holders of kind
/// <c>staff</c> (their id derived from the staff number, so an import sent again or resumed finds them), their department
/// their limit group. Idempotent: an unchanged row changes nothing.
/// </summary>
public static class StaffImports
{
    public static string CardHolderIdFor(string staffNumber) => Ids.Derived("ch", "staff|" + staffNumber);

    public static void MapStaffImports(this IEndpointRouteBuilder canteen)
    {
        canteen.MapPost("/staff-imports", async (string tenantId, HttpContext http, IDocumentStore store, IGrainFactory grains, RosterImporter importer, TimeProvider clock) =>
            {
                http.User.RequireTenantAccess(tenantId, CanteenAccess.Managers);
                var (name, content) = await Upload.Read(http);
                var started = await Start(http.User, store, grains, importer, clock, tenantId, name, content);
                return started.Refusal is { } r ? r.ToProblem() : Results.Json(started.Value, statusCode: StatusCodes.Status202Accepted);
            })
            .DisableAntiforgery()
            .Produces<RosterImportView>(StatusCodes.Status202Accepted)
            .Doc("importStaffRoster", "Import a roster of staff (.xlsx or .csv): employees become card holders of kind staff",
                "202 the import, running: follow it with getStaffImport. Columns staffNumber/工号 (text: a number cell has lost its leading zeros and is "
                + "refused), name/姓名, department/部门 (the holder's limit group), cardNumber/卡号 and phone/手机 (optional). Sending the same file again "
                + "changes nothing; an import that stopped is resumed by sending it again. The multipart field file, or the raw file as the body.");

        canteen.MapGet("/staff-imports/{importId}", async (string tenantId, string importId, HttpContext http, IDocumentStore store) =>
                (await Get(http.User, store, tenantId, importId)).Map(i => i.View(tenantId)).ToOk())
            .Doc("getStaffImport", "A staff import's progress and counts",
                "status running, completed or failed; total, processed, created, updated, unchanged and rejected rows; rejectedRowsUrl downloads the refused rows.");

        canteen.MapGet("/staff-imports/{importId}/rejected.xlsx", async (string tenantId, string importId, HttpContext http, IDocumentStore store) =>
                (await Get(http.User, store, tenantId, importId)) is { Refusal: null, Value: { } import }
                    ? Results.File(RosterImportEndpoints.RejectedXlsx(import, SheetWords.Bilingual), Xlsx.ContentType, $"rejected-{import.Id}.xlsx")
                    : Results.NotFound())
            .Doc("getStaffImportRejectedRows", "The rows a staff import refused, as .xlsx: the cells as the file had them and a reason")
            .Produces(StatusCodes.Status200OK, contentType: Xlsx.ContentType);
    }

    /// <summary>Starts the import (the API's upload and the page's alike); its progress is told like the campus roster's.</summary>
    public static async Task<Outcome<RosterImportView>> Start(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, RosterImporter importer,
        TimeProvider clock, string tenantId, string fileName, byte[] content)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Managers);
        if ((await grains.FindTenant(tenantId)).Refusal is { } missing) return missing;
        if (content.Length == 0) throw ProblemException.Invalid("file", "The file is empty.");
        var by = user.Identity?.Name ?? "";
        return (await importer.Start(tenantId, RosterImport.Staff, Path.GetFileName(fileName), by, import =>
            importer.Run<StaffRow, StaffRecord>(tenantId, import, () => StaffFile.Read(content), async () =>
                {
                    await using var session = store.QuerySession(tenantId);
                    return (await session.Query<StaffRecord>().ToListAsync()).ToDictionary(s => s.Id, StringComparer.Ordinal);
                },
                row => row.StaffNumber, (row, known) => known.RowHash == row.Hash,
                (row, known) => Apply(grains, clock, tenantId, row, known, by), Cells))).View(tenantId);
    }

    public static async Task<Outcome<RosterImport>> Get(ClaimsPrincipal user, IDocumentStore store, string tenantId, string importId)
    {
        user.RequireTenantAccess(tenantId, CanteenAccess.Readers);
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<RosterImport>(importId) is { Kind: RosterImport.Staff } import ? import : Refusal.NotFound("The import");
    }

    /// <summary>The employee's card holder exists (registered once), its group is the department; or why the row is refused.</summary>
    static async Task<(StaffRecord? Record, string? Reason)> Apply(IGrainFactory grains, TimeProvider clock, string tenantId, StaffRow row, StaffRecord? known, string by)
    {
        var holderId = known?.CardHolderId ?? CardHolderIdFor(row.StaffNumber);
        var holder = grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, holderId));
        if (known is null && await holder.Get() is null)
        {
            var registered = await holder.Register(new RegisterCardHolder(row.StaffNumber, row.Name, "staff", row.CardNumber ?? NewCardNumber(),
                null, row.Phone, null, clock.GetUtcNow()));
            if (registered.Refusal is { } refused && await holder.Get() is null)
                return (null, refused.Errors?.ContainsKey("cardNumber") == true ? "The card number is already in use. 卡号已被使用"
                    : refused.Kind == RefusalKind.Conflict ? "The staff number is already used by another card holder. 工号已被其他持卡人使用" : refused.Detail);
        }
        var wallet = grains.GetGrain<ICanteenWalletGrain>(GrainKeys.For(tenantId, holderId));
        if ((await wallet.Canteen()).Value is { } w && w.Group != row.Department
            && (await wallet.SetCanteenProfile(new SetCanteenProfile(row.Department, w.PerMealAmount, w.PerMealTaps, w.OfflineCap, by, clock.GetUtcNow()))).Refusal is { } r)
            return (null, r.Detail);
        return (new StaffRecord
        {
            Id = row.StaffNumber, CardHolderId = holderId, Name = row.Name, Department = row.Department, RowHash = row.Hash, UpdatedAt = clock.GetUtcNow(),
        }, null);
    }

    static Dictionary<string, string?> Cells(StaffRow row) => new()
    {
        ["staffNumber"] = row.StaffNumber, ["name"] = row.Name, ["department"] = row.Department, ["cardNumber"] = row.CardNumber, ["phone"] = Masking.Phone(row.Phone),
    };

    /// <summary>16 digits, not starting with 0, so spreadsheets keep them intact.</summary>
    static string NewCardNumber() => RandomNumberGenerator.GetInt32(1, 10) + string.Concat(Enumerable.Range(0, 15).Select(_ => RandomNumberGenerator.GetInt32(0, 10)));
}
