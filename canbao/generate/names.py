"""Chinese surnames, given-name characters and place-name syllables for generated people and villages."""

from __future__ import annotations

import numpy as np

__all__ = ["GIVEN_FEMALE", "GIVEN_MALE", "SURNAMES", "given_names", "place_names", "surnames"]

# Common surnames with their approximate share of the population (per cent).
_SURNAME_TEXT = (
    "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 "
    "邓 曹 彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 "
    "陆 汪 范 金 石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 "
    "贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 向 汤 欧阳 司马"
)
SURNAMES: dict[str, float] = dict(zip(
    _SURNAME_TEXT.split(),
    [7.25, 7.19, 6.83, 5.38, 4.53, 3.08, 2.23, 2.2, 2.05, 1.9, 1.62, 1.48, 1.41, 1.33, 1.31, 1.14, 1.12,
     1.06, 1.03, 0.92, 0.87, 0.85, 0.76, 0.7, 0.68, 0.66, 0.63, 0.62, 0.61, 0.58, 0.56, 0.55, 0.54, 0.52,
     0.51, 0.5, 0.49, 0.48, 0.47, 0.46, 0.45, 0.44, 0.43, 0.42, 0.41, 0.4, 0.39, 0.38, 0.37, 0.36, 0.35,
     0.34, 0.33, 0.32, 0.31, 0.3, 0.29, 0.28, 0.27, 0.26, 0.25, 0.24, 0.23, 0.22, 0.21, 0.2, 0.2, 0.19,
     0.19, 0.18, 0.18, 0.17, 0.17, 0.16, 0.16, 0.15, 0.15, 0.14, 0.14, 0.13, 0.13, 0.12, 0.12, 0.11, 0.11,
     0.1, 0.1, 0.1, 0.1, 0.09, 0.09, 0.09, 0.09, 0.08, 0.08, 0.08, 0.08, 0.07, 0.07, 0.07, 0.03, 0.01],
    strict=True,
))
GIVEN_MALE = list("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林洋建国志文德海成兵春"
                  "东晨峰晓亮家金永福荣贵生祥才发宏庆坤松云天博睿轩子梓皓泽豪诚毅彬武全兴良")
GIVEN_FEMALE = list("芳娜敏静丽艳娟霞秀英华玲桂兰萍红燕梅琳雪婷慧莉颖倩洁欣怡佳悦思雨梦晶琴凤"
                    "云珍淑芬菊琼蓉丹欢薇妍涵萱诗可若月瑶秋香翠莲素容")
_PLACE_TEXT = (
    "红星 桥头 新华 胜利 白鹤 青龙 石桥 柳林 杨柳 花园 金山 银河 东风 向阳 永安 太平 长春 和平 双河 三合 "
    "高峰 竹林 梨树 枫树 黄泥 凉水 水口 龙潭 马鞍 天星 团结 建设 民主 光明 前进 复兴 新民 新桥 石板 茶园 "
    "桂花 荷花 清泉 大湾 中湾 松林 柏林 古楼 观音 五里 十里 八角 金龙 宝塔 凤凰 黄金 玉泉 龙王 碧峰 万福 "
    "仁和 兴隆 长青 沙坪 田坝 岩口 河东 河西 堰塘 响水 鸡鸣 燕山 丰收 联盟 群力 九龙 回春 朝阳 宏图 安乐"
)
_PLACES = _PLACE_TEXT.split()


def surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    """`n` surnames drawn by their population share."""
    names = np.array(list(SURNAMES))
    weights = np.array(list(SURNAMES.values()))
    return names[rng.choice(len(names), size=n, p=weights / weights.sum())]


def given_names(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
    """Given names of one or two characters (two for about 70%), by sex."""
    n = len(male)
    men, women = np.array(GIVEN_MALE), np.array(GIVEN_FEMALE)

    def draw() -> np.ndarray:
        return np.where(male, men[rng.integers(0, len(men), n)], women[rng.integers(0, len(women), n)])

    first, second = draw(), draw()
    two = rng.random(n) < 0.7
    return np.where(two, np.char.add(first, second), first)


def place_names(rng: np.random.Generator, n: int, community_share: float) -> list[str]:
    """`n` distinct village/community names such as 红星村 or 桥头社区."""
    picks = rng.choice(len(_PLACES), size=min(n, len(_PLACES)), replace=False)
    out = []
    for i in range(n):
        stem = _PLACES[picks[i % len(picks)]] + ("" if i < len(picks) else str(i // len(picks) + 1))
        out.append(stem + ("社区" if rng.random() < community_share else "村"))
    return out
