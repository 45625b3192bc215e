// Messages for the scan and mailbox tests, built at run time so that no file in the
// repository is itself a test virus: the made-up worm (payload marker in a base64
// attachment), EICAR's string (assembled from two halves), the IFrame-exploit shape, HTML-only
// and clean mail. The signatures are in tests/data/clamav/.
#pragma once

#include <string>
#include <string_view>

namespace fightback::test_mail {

inline std::string eicar_string()
{
    return std::string("X5O!P%@AP[4\\PZX54(P^)7CC)7}$") + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
}

inline std::string base64(std::string_view in)
{
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t line = 0;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size())
            v |= static_cast<unsigned char>(in[i + 1]) << 8;
        if (i + 2 < in.size())
            v |= static_cast<unsigned char>(in[i + 2]);
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += i + 1 < in.size() ? table[(v >> 6) & 63] : '=';
        out += i + 2 < in.size() ? table[v & 63] : '=';
        if ((line += 4) >= 76) {
            out += '\n';
            line = 0;
        }
    }
    if (line)
        out += '\n';
    return out;
}

inline std::string header(std::string_view subject, std::string_view extra = "")
{
    return std::string("Return-Path: <sender@example.net>\n"
                       "Received: from mail.example.net (mail.example.net [192.0.2.10])\n"
                       "\tby mx.example.org (Postfix) with ESMTP id 4F1A2;\n"
                       "\tTue, 23 Sep 2003 10:00:00 +0000\n"
                       "From: \"Microsoft Corporation\" <security@example.net>\n"
                       "To: user@example.org\n"
                       "Date: Tue, 23 Sep 2003 10:00:00 +0000\n"
                       "Message-ID: <test@example.net>\n"
                       "Subject: ") +
           std::string(subject) + "\n" + std::string(extra) + "MIME-Version: 1.0\n";
}

// A mass-mailer: an HTML lure and an "update" attachment carrying the payload marker.
inline std::string worm_message(std::string_view attachment = "patch.exe")
{
    const std::string payload = std::string("MZ") + std::string(58, '\0') +
                                "FIGHTBACK-TEST-WORM:swen-like-payload" + std::string(64, '\x90');
    return header("Current Net Patch") +
           "Content-Type: multipart/mixed; boundary=\"=_worm\"\n\n"
           "--=_worm\nContent-Type: text/html; charset=us-ascii\n\n"
           "<html><body>Install this critical update.</body></html>\n"
           "--=_worm\nContent-Type: application/x-msdownload; name=\"" + std::string(attachment) +
           "\"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"" +
           std::string(attachment) + "\"\n\n" + base64(payload) + "--=_worm--\n";
}

inline std::string eicar_message()
{
    return header("test file") +
           "Content-Type: multipart/mixed; boundary=\"=_e\"\n\n"
           "--=_e\nContent-Type: text/plain\n\nSee the attachment.\n"
           "--=_e\nContent-Type: application/octet-stream; name=\"eicar.com\"\n"
           "Content-Transfer-Encoding: base64\n"
           "Content-Disposition: attachment; filename=\"eicar.com\"\n\n" +
           base64(eicar_string()) + "--=_e--\n";
}

inline std::string iframe_message()
{
    return header("Re: your document") +
           "Content-Type: multipart/alternative; boundary=\"=_i\"\n\n"
           "--=_i\nContent-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n"
           "<html><body>\n<iframe src=3Dcid:fightback-test-exploit height=3D0 width=3D0></iframe>\n"
           "</body></html>\n--=_i--\n";
}

inline std::string html_only_message()
{
    return header("Newsletter") + "Content-Type: text/html; charset=utf-8\n\n"
                                  "<html><body><p>Hello</p></body></html>\n";
}

inline std::string clean_message(std::string_view extra_headers = "")
{
    return header("Lunch", extra_headers) + "Content-Type: text/plain; charset=us-ascii\n\n"
                                            "Shall we meet at noon?\n";
}

} // namespace fightback::test_mail
