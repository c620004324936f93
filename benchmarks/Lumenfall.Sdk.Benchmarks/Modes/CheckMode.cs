using Lumenfall.Sdk.Benchmarks.Clients;
using Lumenfall.Sdk.Benchmarks.Server;

namespace Lumenfall.Sdk.Benchmarks.Modes;

/// <summary>
/// Runs every case once per client against <paramref name="server"/> and checks that they all got the same thing:
/// the same bytes (equal to the image the server encoded) for base64 results, the same URL for URL results, both edit
/// images received intact by the server from each client, the fal lifecycle walked in full (two status polls).
/// </summary>
internal static class CheckMode
{
    public static async Task<int> RunAsync(BenchServer server, TextWriter output)
    {
        var problems = new List<string>();
        var sdk = new SdkCalls(server.BaseAddress);
        using var raw = new RawCalls(server.BaseAddress);
        var openai = new OpenAICalls(server.BaseAddress);
        output.WriteLine($"check: server {server.BaseAddress}");
        output.WriteLine($"  {"case",-14} {"client",-7} result");

        // URL result: the same URL from each client, the one the server sent.
        await ExpectAsync("url", "raw", async () => await raw.UrlAsync(), server.UrlResult);
        await ExpectAsync("url", "sdk", async () => (await sdk.UrlAsync()).OriginalString, server.UrlResult);
        await ExpectAsync("url", "openai", async () => (await openai.UrlAsync()).OriginalString, server.UrlResult);

        // Base64 results: each client's bytes equal the image the server encoded, so equal to each other.
        foreach ((string name, string prompt, byte[] image) in new[]
        {
            ("base64-1MiB", Prompts.Base64Small, server.SmallImage),
            ("base64-16MiB", Prompts.Base64Large, server.LargeImage),
        })
        {
            await BytesAsync(name, "raw", async () => (await raw.Base64Async(prompt)).AsMemory(), image);
            await BytesAsync(name, "sdk", async () => await sdk.Base64Async(prompt), image);
            await BytesAsync(name, "openai", async () => (await openai.Base64Async(prompt)).ToMemory(), image);
        }

        // The SDK reads the media type from the bytes: the PNG signature must make it image/png.
        try
        {
            ImageGenerationResult typed = await sdk.Client.GenerateAsync(new GptImage2GenerationRequest(Prompts.Base64Small) { ResponseFormat = ResponseFormat.Base64Json });
            Report("media type", "sdk", typed.Images[0].MediaType == "image/png", $"{typed.Images[0].MediaType} (expected image/png)");
        }
        catch (Exception ex) when (ex is LumenfallException or HttpRequestException)
        {
            Report("media type", "sdk", false, Describe(ex));
        }

        // Multipart edit: the server compares both files byte by byte; each client's call must add one intact edit.
        await EditAsync("raw", async () => await raw.EditAsync(server.EditImageA, server.EditImageB));
        await EditAsync("sdk", async () => (await sdk.EditAsync(server.EditImageA, server.EditImageB)).OriginalString);
        await EditAsync("openai", async () => (await openai.EditAsync(server.EditImageA, server.EditImageB)).OriginalString);

        // fal queue: submit, IN_PROGRESS, COMPLETED, result (OpenAI's client has no fal).
        await FalAsync("raw", async () => await raw.FalAsync());
        await FalAsync("sdk", async () => (await sdk.FalAsync()).OriginalString);
        output.WriteLine($"  {"fal-queue",-14} {"openai",-7} n/a (OpenAI's client has no fal queue)");

        if (problems.Count == 0)
        {
            output.WriteLine("check: OK, every client got identical results");
            return 0;
        }

        output.WriteLine($"check: FAILED, {problems.Count} mismatch(es):");
        foreach (string problem in problems)
        {
            output.WriteLine("  " + problem);
        }

        return 1;

        void Report(string name, string client, bool ok, string detail)
        {
            output.WriteLine($"  {name,-14} {client,-7} {(ok ? "ok" : "MISMATCH")}  {detail}");
            if (!ok)
            {
                problems.Add($"{name} / {client}: {detail}");
            }
        }

        async Task ExpectAsync(string name, string client, Func<Task<string>> call, string expected)
        {
            try
            {
                string got = await call();
                Report(name, client, got == expected, got == expected ? got : $"got '{got}', expected '{expected}'");
            }
            catch (Exception ex) when (ex is LumenfallException or HttpRequestException or ArgumentException or InvalidOperationException or System.ClientModel.ClientResultException or System.Text.Json.JsonException)
            {
                Report(name, client, false, Describe(ex));
            }
        }

        async Task BytesAsync(string name, string client, Func<Task<ReadOnlyMemory<byte>>> call, byte[] expected)
        {
            try
            {
                ReadOnlyMemory<byte> got = await call();
                int common = got.Span.CommonPrefixLength(expected);
                bool same = got.Length == expected.Length && common == expected.Length;
                Report(name, client, same, same
                    ? $"{got.Length:N0} bytes, identical to the image sent"
                    : $"{got.Length:N0} bytes vs {expected.Length:N0} sent, first difference at byte {common:N0}");
            }
            catch (Exception ex) when (ex is LumenfallException or HttpRequestException or ArgumentException or InvalidOperationException or System.ClientModel.ClientResultException or System.Text.Json.JsonException)
            {
                Report(name, client, false, Describe(ex));
            }
        }

        async Task EditAsync(string client, Func<Task<string>> call)
        {
            long before = server.EditsIntact;
            try
            {
                string url = await call();
                long intact = server.EditsIntact - before;
                bool ok = intact == 1 && url == server.EditResult;
                Report("edit-2x1MiB", client, ok, ok
                    ? $"server received both 1 MiB images intact; {url}"
                    : $"{intact} intact edit(s) on the server (expected 1), url '{url}', server said: {server.LastProblem}");
            }
            catch (Exception ex) when (ex is LumenfallException or HttpRequestException or ArgumentException or InvalidOperationException or System.ClientModel.ClientResultException or System.Text.Json.JsonException)
            {
                Report("edit-2x1MiB", client, false, $"{Describe(ex)}; server said: {server.LastProblem}");
            }
        }

        async Task FalAsync(string client, Func<Task<string>> call)
        {
            long before = server.StatusPolls;
            try
            {
                string url = await call();
                long polls = server.StatusPolls - before;
                bool ok = polls == 2 && url == server.FalResult;
                Report("fal-queue", client, ok, ok
                    ? $"submit, 2 status polls, result; {url}"
                    : $"{polls} status polls (expected 2), url '{url}' (expected '{server.FalResult}')");
            }
            catch (Exception ex) when (ex is LumenfallException or HttpRequestException or ArgumentException or InvalidOperationException or System.ClientModel.ClientResultException or System.Text.Json.JsonException)
            {
                Report("fal-queue", client, false, $"{Describe(ex)}; server said: {server.LastProblem}");
            }
        }
    }

    private static string Describe(Exception ex) => $"{ex.GetType().Name}: {ex.Message}";
}
