package io.attache.store.discord.emulator;


import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message-create request as Discord reads it: {@code multipart/form-data} with a
 * {@code payload_json} part and {@code files[n]} parts, or plain JSON. The payload's
 * {@code attachments: [{id: n, filename}]} renames {@code files[n]}.
 */
record UploadRequest(String content, String nonce, boolean enforceNonce, List<EmulatorState.Upload> files) {

    private static final Pattern FILES = Pattern.compile("files\\[(\\d+)]|file");

    static UploadRequest parse(String contentType, byte[] body) throws Multipart.MalformedException {
        Map<String, Object> payload;
        List<EmulatorState.Upload> files = new ArrayList<>();
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            List<Multipart.Part> parts = Multipart.parse(body, Multipart.boundary(contentType));
            payload = EmulatorJson.obj();
            List<String> indexes = new ArrayList<>();
            for (Multipart.Part part : parts) {
                Matcher file = FILES.matcher(part.name());
                if (part.name().equals("payload_json")) {
                    payload = EmulatorJson.parseObject(part.text());
                } else if (file.matches()) {
                    if (part.filename() == null) {
                        throw new Multipart.MalformedException("a file part needs a filename");
                    }
                    files.add(new EmulatorState.Upload(part.filename(), part.body(), part.offset(), part.length()));
                    indexes.add(file.group(1));
                }
            }
            rename(payload, files, indexes);
        } else {
            payload = EmulatorJson.parseObject(new String(body, StandardCharsets.UTF_8));
        }
        Object nonce = payload.get("nonce");
        return new UploadRequest(EmulatorJson.optString(payload, "content"), nonce == null ? null : nonce.toString(),
                Boolean.TRUE.equals(payload.get("enforce_nonce")), files);
    }

    private static void rename(Map<String, Object> payload, List<EmulatorState.Upload> files, List<String> indexes) {
        for (Object item : EmulatorJson.optArray(payload, "attachments")) {
            Map<String, Object> a = EmulatorJson.asObject(item, "attachment");
            Object id = a.get("id");
            String filename = EmulatorJson.optString(a, "filename");
            if (id == null || filename == null) {
                continue;
            }
            int at = indexes.indexOf(id.toString());
            if (at >= 0) {
                EmulatorState.Upload old = files.get(at);
                files.set(at, new EmulatorState.Upload(filename, old.body(), old.offset(), old.length()));
            }
        }
    }
}
