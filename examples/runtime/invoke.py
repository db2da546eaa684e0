"""The walkthrough's boto3 part: invokes an endpoint the way application code does, counts which production variant
answered each call, and shows the error a caller gets when the model refuses its input.

    python3 invoke.py ENDPOINT_NAME [CALLS]

boto3 finds sagebox through AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME (or AWS_ENDPOINT_URL), as it would find any
endpoint URL; nothing in this file knows it is not talking to AWS.
"""
import collections
import json
import random
import sys

import boto3


def main():
    endpoint = sys.argv[1]
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    runtime = boto3.client("sagemaker-runtime")
    rows = random.Random(7)  # the same rows each run

    answered = collections.Counter()
    for call in range(calls):
        row = ",".join(str(rows.randint(0, 9)) for _ in range(3))
        response = runtime.invoke_endpoint(EndpointName=endpoint, ContentType="text/csv", Accept="application/json",
                                           Body=row)
        answer = json.loads(response["Body"].read())
        answered[response["InvokedProductionVariant"]] += 1
        if call < 3:
            print("%s -> %s answered %s" % (row, response["InvokedProductionVariant"], answer))
    print("%d calls:" % calls)
    for variant, count in sorted(answered.items()):
        print("  %s answered %d (%.0f%%)" % (variant, count, 100.0 * count / calls))

    # A row the model cannot read: the model answers 400, the caller gets ModelError (HTTP 424) with the model's
    # status and message.
    try:
        runtime.invoke_endpoint(EndpointName=endpoint, ContentType="text/csv", Body="1,two,3")
    except runtime.exceptions.ModelError as error:
        print("ModelError: OriginalStatusCode %s, OriginalMessage %r" %
              (error.response["OriginalStatusCode"], error.response["OriginalMessage"]))
        print("  message: %s" % error.response["Error"]["Message"])
    else:
        sys.exit("expected a ModelError for the row '1,two,3'")


if __name__ == "__main__":
    main()
