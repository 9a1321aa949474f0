using QRCoder;

namespace SceneFinance.Platform;

/// <summary>QR codes as inline SVG (a channel's payment link, a kiosk's patient token): the one renderer pages and receipts use.</summary>
public static class Qr
{
    public static string Svg(string text, int pixelsPerModule = 5)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(pixelsPerModule);
    }
}
