using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Grains;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.AdminUi.Kiosk;

/// <summary>
/// A kiosk signs in once with its terminal id and secret (staff set it up); the browser then carries a protected cookie
/// naming the terminal. Every page checks that the terminal is still an active kiosk, so disabling it stops the screen.
/// </summary>
public static class KioskSession
{
    const string Cookie = "sf.kiosk";
    const string LargeCookie = "sf.kiosk.large";
    const string Purpose = "SceneFinance.Kiosk.v1";

    public sealed record Terminal(string TenantId, string TerminalId, string Name);

    public static async Task<Terminal?> Current(HttpContext http)
    {
        if (http.Request.Cookies[Cookie] is not { Length: > 0 } value) return null;
        string text;
        try { text = Protector(http).Unprotect(value); }
        catch (CryptographicException) { return null; }
        var parts = text.Split('|');
        if (parts.Length != 2) return null;
        return await Active(http, parts[0], parts[1]);
    }

    public static async Task<Terminal?> SignIn(HttpContext http, string terminalId, string secret)
    {
        var grains = http.RequestServices.GetRequiredService<IGrainFactory>();
        if (terminalId.Length is 0 or > 64 || await grains.GetGrain<ITerminalDirectoryGrain>(terminalId).TenantOf() is not { } tenantId) return null;
        var credentials = await grains.GetGrain<IMerchantTerminalGrain>(GrainKeys.For(tenantId, terminalId)).Credentials();
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (credentials is null || !credentials.Secrets(http.RequestServices.GetRequiredService<Sealer>(), now)
                .Any(s => CryptographicOperations.FixedTimeEquals(s, Encoding.UTF8.GetBytes(secret)))) return null;
        var terminal = await Active(http, tenantId, terminalId);
        if (terminal is null) return null;
        http.Response.Cookies.Append(Cookie, Protector(http).Protect($"{tenantId}|{terminalId}"),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, IsEssential = true, Expires = DateTimeOffset.UtcNow.AddDays(30) });
        return terminal;
    }

    public static bool Large(HttpContext http) => http.Request.Cookies[LargeCookie] == "1";

    public static void SetLarge(HttpContext http, bool on) =>
        http.Response.Cookies.Append(LargeCookie, on ? "1" : "0", new CookieOptions { SameSite = SameSiteMode.Strict, IsEssential = true, Expires = DateTimeOffset.UtcNow.AddDays(365) });

    static async Task<Terminal?> Active(HttpContext http, string tenantId, string terminalId)
    {
        var view = await http.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IMerchantTerminalGrain>(GrainKeys.For(tenantId, terminalId)).Get();
        return view is { Kind: "kiosk", Status: "active" } ? new Terminal(tenantId, terminalId, view.Name) : null;
    }

    static IDataProtector Protector(HttpContext http) => http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
}
