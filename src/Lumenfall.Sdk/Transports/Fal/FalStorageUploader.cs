using System.Net.Http.Headers;
using System.Text.Json;
using Lumenfall.Sdk.Http;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Transports.Fal;

/// <summary>Uploads to fal storage: initiate (JSON) on the storage API, then PUT the bytes to the returned URL.</summary>
internal sealed class FalStorageUploader(ServiceChannel channel, FalServiceOptions options) : IFalFileUploader
{
    public async Task<Uri> UploadAsync(Stream content, string contentType, string fileName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var initiate = new CallRequest(HttpMethod.Post, ServiceChannel.Url(options.StorageEndpoint, "storage/upload/initiate?storage_type=fal-cdn-v3"))
        {
            Content = JsonContent(new FalUploadInitiateRequest { ContentType = contentType, FileName = fileName }),
        };
        FalUploadInitiateResponse target = await channel.SendAsync(
            initiate,
            CallPurpose.Read,
            (response, _, token) => ResponseBody.ReadJsonAsync(response, SdkJsonContext.Default.FalUploadInitiateResponse, channel.MaxResponseBytes, token),
            cancellationToken).ConfigureAwait(false);
        Uri uploadUrl = ServerUrls.Require(target.UploadUrl, "upload_url", ImageService.Fal, options.ApiKey);
        Uri fileUrl = ServerUrls.Require(target.FileUrl, "file_url", ImageService.Fal, options.ApiKey);

        var body = new StreamContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var put = new CallRequest(HttpMethod.Put, uploadUrl) { Content = body };
        await channel.SendAsync(put, CallPurpose.Upload, (_, _, _) => Task.FromResult(true), cancellationToken).ConfigureAwait(false);
        return fileUrl;
    }

    private static ByteArrayContent JsonContent(FalUploadInitiateRequest request)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, SdkJsonContext.Default.FalUploadInitiateRequest));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
