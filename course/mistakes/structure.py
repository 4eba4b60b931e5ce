"""The shapes a wrong answer takes, in any exercise (found by :mod:`course.checks.diagnose`).

They are named when no exercise's own mistake is confirmed, and each failure that names one says the
numbers behind it ("got is exactly 1/4 × expected; 4 = the number of classes C").
"""
from course.mistakes import Mistake

ANY = ("*",)
MISTAKES = [
    Mistake("factor-2", ANY, "the result is exactly 2 or 1/2 times the right one: a missing or extra ½ or 2",
            "結果が正しい値のちょうど 2 倍か 1/2 倍です: ½ や 2 が抜けているか余分です",
            hint=("compare your formula with the stated one term by term: where does a factor ½ or 2 belong?",
                  "式を問題文の式と項ごとに比べます。½ や 2 はどこに入るべきでしょうか")),
    Mistake("factor-batch", ANY, "the result is exactly N or 1/N times the right one (N = the batch size): a sum "
            "where a mean belongs, or the other way round",
            "結果が正しい値のちょうど N 倍か 1/N 倍です (N はバッチサイズ): 平均と和が入れ替わっています",
            hint=("decide for each sum whether it runs over the batch and whether the result is divided by N",
                  "それぞれの和がバッチ方向か、結果を N で割るべきかを確かめます")),
    Mistake("factor-classes", ANY, "the result is exactly C or 1/C times the right one (C = the number of "
            "classes or outputs): averaged over the classes as well as the batch?",
            "結果が正しい値のちょうど C 倍か 1/C 倍です (C はクラス数・出力数): バッチだけでなくクラス方向にも平均して"
            "いませんか",
            hint=("only the batch size N divides the result; a mean over every element also divides by C",
                  "結果を割るのはバッチサイズ N だけです。全要素の平均をとるとクラス数 C でも割ってしまいます")),
    Mistake("factor-numel", ANY, "the result is exactly n or 1/n times the right one (n = the number of elements):"
            " a sum and a mean over every element are swapped",
            "結果が正しい値のちょうど n 倍か 1/n 倍です (n は要素数): 全要素の和と平均が入れ替わっています",
            hint=("check whether the formula asks for the sum or for the mean over every element",
                  "式が全要素の和を求めているのか平均を求めているのかを確かめます")),
    Mistake("sign-flipped", ANY, "the result is exactly −1 times the right one: a sign is flipped",
            "結果が正しい値のちょうど −1 倍です: 符号が逆になっています",
            hint=("follow the signs through the formula: which way must the result point?",
                  "式の符号を順に確かめます。結果はどちら向きになるべきでしょうか")),
    Mistake("transposed", ANY, "the result is the transpose of the right one: rows and columns are exchanged",
            "結果が正しい値の転置になっています: 行と列が入れ替わっています",
            hint=("write down the shape of every operand: which axis must come first in the result?",
                  "各オペランドの形状を書き出し、結果ではどの軸が先に来るべきかを確かめます")),
    Mistake("outputs-swapped", ANY, "two outputs are right but in each other's place",
            "2 つの出力はどちらも正しい値ですが、入れ替わっています",
            hint=("check the order of the values you return against the order the instructions state",
                  "返す値の順番を問題文で決められた順番と比べます")),
    Mistake("all-zeros", ANY, "the result is all zeros: the values are never computed, stored or started",
            "結果がすべて 0 です: 値が計算・保存・初期化されていません",
            hint=("follow where the result is created and check that every entry is written before it is returned",
                  "結果を作る場所から順に追い、返す前にすべての要素に値が書き込まれているか確かめます")),
    Mistake("nan-or-inf", ANY, "the result holds NaN or inf where the right one is finite",
            "正しい値は有限なのに結果に NaN や inf が含まれています",
            hint=("find the first operation that gives NaN/inf: a log or division of 0, a square root of a "
                  "negative number, or exp of a large value",
                  "最初に NaN/inf を出す演算を探します: 0 の log や 0 での割り算、負の数の平方根、大きな値の exp")),
    Mistake("off-by-one-step", ANY, "the result is the right value of the step before (or after): one step is "
            "missing, or a value is used before it is updated",
            "結果が 1 つ前 (または後) のステップの正しい値です: ステップが 1 つ足りないか、更新前の値を使っています",
            hint=("count the steps, and check for each value whether it is read before or after it is updated",
                  "ステップ数を数え、それぞれの値を更新の前に読むのか後に読むのかを確かめます")),
    Mistake("wrong-axis", ANY, "the result is what the right computation gives along another axis",
            "結果が正しい計算を別の軸に沿って行ったときの値です",
            hint=("say which axis holds the samples and which the features, then pick the axis the formula sums over",
                  "どの軸がサンプルでどの軸が特徴かを確かめ、式が和をとる軸を選びます")),
    Mistake("wrong-type", ANY, "the values are right but their type is not the one asked for (a bool, float or "
            "array where an int or a list is asked)",
            "値は正しいのですが型が違います (int やリストを求められているのに bool・float・配列になっています)",
            hint=("the instructions state the type of the result: convert it explicitly before returning it",
                  "問題文が結果の型を決めています。返す前に明示的にその型へ変換します")),
    Mistake("size-not-from-argument", ANY, "a size is taken from the data or a fixed number instead of the "
            "argument that declares it", "大きさを宣言する引数ではなく、データや固定の数から大きさを決めています",
            hint=("the function's arguments say how large the result is; the data may not show every size",
                  "結果の大きさは関数の引数が決めます。データにすべての大きさが現れるとは限りません")),
]
