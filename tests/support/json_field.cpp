// SPDX-License-Identifier: BSD-3-Clause
// json_field: the adversarial shell tests' JSON reader (a minimal Debian has no python or jq).
// Reads one JSON document from stdin; exits 1 with a message if it is not valid JSON.
//
//   json_field          only validate
//   json_field NAME     print the top-level member NAME: a string as is, a number as an integer
//                       when it is one, true/false, null (also for a missing member)

#include <QByteArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>

#include <cmath>
#include <cstdio>

int main(int argc, char **argv)
{
    if (argc > 2)
        return 2;
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return 1;
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(in.readAll(), &error);
    if (error.error != QJsonParseError::NoError) {
        std::fprintf(stderr, "json_field: invalid JSON at offset %d: %s\n", error.offset,
                     qPrintable(error.errorString()));
        return 1;
    }
    if (argc == 1)
        return 0;
    const QJsonValue value = document.object().value(QString::fromUtf8(argv[1]));
    if (value.isString())
        std::printf("%s\n", value.toString().toUtf8().constData());
    else if (value.isDouble() && std::floor(value.toDouble()) == value.toDouble())
        std::printf("%lld\n", static_cast<long long>(value.toDouble()));
    else if (value.isDouble())
        std::printf("%g\n", value.toDouble());
    else if (value.isBool())
        std::printf("%s\n", value.toBool() ? "true" : "false");
    else
        std::printf("null\n");
    return 0;
}
